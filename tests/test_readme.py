"""The README's examples run as tests: Python sessions, console sessions, first commands."""

from __future__ import annotations

import doctest
import re
import shlex

from click.testing import CliRunner

from astana_talks.cli import cli

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_in_the_readme_run() -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(README, {}, "README.md", str(ROOT / "README.md"), 0)
    assert len(test.examples) > 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_console_examples_in_the_readme_print_what_they_show() -> None:
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    sessions = re.findall(r"^\$ astana-talks (.*)\n((?:(?!\$ ).*\n)*)", "".join(blocks), flags=re.M)
    assert len(sessions) >= 2
    for command, shown in sessions:
        result = CliRunner().invoke(cli, shlex.split(command))
        assert result.exit_code == 0, command
        assert result.stdout == shown, command


def test_the_readme_opens_with_the_two_commands() -> None:
    first = re.search(r"```sh\n(.*?)```", README, flags=re.S)
    assert first is not None
    install_and_run, install_and_test = first.group(1).strip().splitlines()
    assert "pip install ." in install_and_run
    assert "astana-talks validate" in install_and_run
    assert 'pip install -e ".[test]"' in install_and_test
    assert "pytest" in install_and_test
    assert README.index(first.group(0)) < 40


def test_the_citation_in_the_readme_names_the_current_version() -> None:
    import astana_talks

    assert f"(version {astana_talks.__version__})" in README
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{astana_talks.__version__}"' in cff
