"""The headless commands speak English whatever the interface's language: scripts parse them.

A Chinese system locale and a Chinese interface remembered in the editor's settings change nothing
on stdout or stderr of --validate, --run, --export-code, --export-image or --help."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def chinese_user(tmp_path: Path) -> dict[str, str]:
    """The environment of a student whose system is Chinese and whose editor was last in Chinese."""
    config = tmp_path / "config"
    (config / "GraphStudio").mkdir(parents=True)
    (config / "GraphStudio" / "GraphStudio.conf").write_text("[General]\nlanguage=zh_CN\n", encoding="utf-8")
    return {**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN", "LC_ALL": "zh_CN.UTF-8",
            "XDG_CONFIG_HOME": str(config), "QT_QPA_PLATFORM": "offscreen"}


def graphstudio(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphstudio", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_the_headless_commands_stay_english_for_a_chinese_user(tmp_path: Path):
    env = chinese_user(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "a", "op": "ones", "params": {"shape": [2, 3]}}, {"id": "b", "op": "ones", "params": {"shape": [4, 5]}},
        {"id": "m", "op": "mm", "inputs": {"input": "a", "mat2": "b"}}]}))
    good = ROOT / "resources" / "examples" / "03_autograd_basics.json"
    mismatch = "node 'm' (mm): mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    for args, code, expected in ((("--validate", bad), 2, mismatch), (("--run", bad), 2, mismatch),
                                 (("--export-code", bad), 2, mismatch),
                                 (("--export-image", bad, tmp_path / "x.bmpx"), 2, "cannot export to '.bmpx'"),
                                 (("--run", good), 0, "MeanBackward0"), (("--help",), 0, "show this help message")):
        result = graphstudio(env, *args)
        output = result.stdout + result.stderr
        assert result.returncode == code, output
        assert expected in output and not CJK.search(output), output
