"""Runs the README's Python examples as scripts, so the documentation cannot rot.

Each block runs in its own interpreter as a `__main__` script (so an `if __name__ == "__main__":`
body runs too, and a process pool can import its functions), and every `print(...)` line whose
comment shows an output (`print(x)  # ['allow']`) must print exactly that, in order.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def blocks():
    text = (ROOT / "README.md").read_text()
    found = re.findall(r"```python\n(.*?)```", text, re.S)
    assert found, "the README has Python examples"
    return found


def expected_outputs(block):
    return [m.group(1).strip() for m in re.finditer(r"^[ \t]*print\(.*\)[ \t]+# (.+)$", block, re.M)]


def test_readme_python_blocks_print_what_they_say(tmp_path):
    checked = 0
    for i, block in enumerate(blocks()):
        script = tmp_path / f"readme_{i}.py"
        script.write_text(block)
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                             cwd=tmp_path)
        assert run.returncode == 0, f"README block {i} failed:\n{run.stderr}"
        lines = [line.strip() for line in run.stdout.splitlines()]
        position = 0
        for want in expected_outputs(block):
            assert want in lines[position:], f"README block {i}: {want!r} not printed (in order) in:\n{run.stdout}"
            position = lines.index(want, position) + 1
            checked += 1
    assert checked >= 4, f"only {checked} printed outputs checked"
