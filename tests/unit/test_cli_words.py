"""The command line in the environment's language, argparse's own words included."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(language: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SCORE_LANGUAGE=language)
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_argparse_speaks_french():
    bad = _run("fr", "nonsense")
    assert bad.returncode == 1
    assert "utilisation : python -m tracker" in bad.stderr
    assert "erreur : argument COMMAND : choix non valide : 'nonsense'" in bad.stderr
    assert "usage:" not in bad.stderr and "invalid choice" not in bad.stderr


def test_help_in_spanish_and_in_english():
    assert "argumentos posicionales" in _run("es", "--help").stdout
    english = _run("en", "--help").stdout
    assert "positional arguments" in english and "show this help message and exit" in english
