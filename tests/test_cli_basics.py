from click.testing import CliRunner

from zenodeploy import __version__
from zenodeploy.cli import cli


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"zenodeploy, version {__version__}"
