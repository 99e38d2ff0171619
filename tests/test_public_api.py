"""The public surface stays small: what `import verdigris` offers is exactly this."""

import verdigris


def test_exported_members() -> None:
    assert sorted(verdigris.__all__) == ["Settings", "__version__", "create_app"]
    for name in verdigris.__all__:
        assert hasattr(verdigris, name)
