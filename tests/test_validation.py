"""Every bad option or config value is refused at start: one line naming key, value and range, exit 2."""

from __future__ import annotations

import argparse
import math

import pytest

from sfumato.validate import OneOf, Range, ValueRangeError, arg_type, check
from live.cli import main as live_main
from live.config import LiveConfig, check_config, load_config
from precompute.cli import main as precompute_main


@pytest.mark.parametrize("rule, good, bad", [
    (Range(0, None, open_lo=True), [1e-9, 5], [0, -1, math.nan, math.inf, True, "1"]),
    (Range(1, 10, integer=True), [1, 10, 5.0], [0, 11, 2.5]),
    (Range(0, 1), [0, 1, 0.5], [-0.1, 1.1, math.nan]),
    (OneOf(("a", "b")), ["a"], ["c", 1]),
])
def test_rules_accept_and_refuse(rule, good, bad):
    assert all(rule.ok(v) for v in good)
    assert not any(rule.ok(v) for v in bad)


def test_check_names_key_value_and_range():
    with pytest.raises(ValueRangeError) as err:
        check("display.fps", 0.0, Range(1, 240), "kiosk.toml")
    assert str(err.value) == "display.fps = 0.0 (in kiosk.toml): must be a number from 1 to 240"
    assert err.value.exit_code == 2


def test_arg_type_has_a_readable_name_and_message():
    conv = arg_type(Range(1, 9, integer=True))
    assert conv.__name__ == "an integer from 1 to 9"
    with pytest.raises(argparse.ArgumentTypeError, match="'abc' is not an integer; must be an integer from 1 to 9"):
        conv("abc")


# ---- live: TOML config ---------------------------------------------------------------------
LIVE_TOML_CASES = [
    ("[display]\nfps = 0", "display.fps = 0.0", "from 1 to 240"),
    ("[display]\nfps = -30", "display.fps = -30.0", "from 1 to 240"),
    ("[output]\nrecord_fps = 0", "output.record_fps = 0.0", "from 1 to 240"),
    ("[camera]\nwidth = 0", "camera.width = 0", "integer from 16"),
    ("[camera]\nfps = 0", "camera.fps = 0.0", "from 1 to 240"),
    ("[mapping]\nhfov_deg = 0", "mapping.hfov_deg = 0.0", "from 10 to 170"),
    ("[mapping]\nhfov_deg = -60", "mapping.hfov_deg = -60.0", "from 10 to 170"),
    ("[smoothing]\ncrossfade_ms = -80", "smoothing.crossfade_ms = -80.0", "from 0 to 5000"),
    ("[display]\nbackground = [0, 256, 0]", "display.background = (0, 256, 0)", "each value must be an integer from 0 to 255"),
    ("[display]\nbackground = [-1, 0, 0]", "display.background = (-1, 0, 0)", "from 0 to 255"),
    ("[display]\nsize = [0, 720]", "display.size = (0, 720)", "integer from 16"),
    ("[tracker]\nmin_confidence = 1.5", "tracker.min_confidence = 1.5", "from 0 to 1"),
    ("[tracker]\nmodel = 'long'", "tracker.model = 'long'", "one of short, full"),
    ("[camera]\nseed = -1", "camera.seed = -1", "integer from 0"),
    ("[output]\nduration_s = -5", "output.duration_s = -5.0", ">= 0"),
    ("[output]\nduration_s = nan", "output.duration_s = nan", ">= 0"),
    ("[presence]\nglance_every_s = [16.0, 8.0]", "presence.glance_every_s", "must not exceed"),
    ("[drive]\nmode = 'quick'", "drive.mode = 'quick'", "one of exact, fast"),
]


@pytest.mark.parametrize("text, key, allowed", LIVE_TOML_CASES)
def test_live_toml_values_out_of_range_are_refused(tmp_path, capsys, text, key, allowed):
    p = tmp_path / "bad.toml"
    p.write_text(text + "\n")
    with pytest.raises(ValueRangeError, match="in " + str(p)):
        load_config(p)
    assert live_main(["--config", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and key in err and allowed in err and "Traceback" not in err


def test_live_config_folder_is_one_line(tmp_path, capsys):
    assert live_main(["--config", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is a folder" in err


def test_defaults_pass_the_rules():
    assert check_config(LiveConfig()) == LiveConfig()


# ---- live: flags ---------------------------------------------------------------------------
@pytest.mark.parametrize("argv, needle", [
    (["--fps", "0"], "argument --fps: 0 is out of range; must be a number from 1 to 240"),
    (["--fps", "abc"], "argument --fps: 'abc' is not a number"),
    (["--hfov", "0"], "argument --hfov: 0 is out of range"),
    (["--hfov", "nan"], "argument --hfov: nan is out of range"),
    (["--seed", "-1"], "argument --seed: -1 is out of range; must be an integer from 0"),
    (["--duration", "-1"], "argument --duration: -1 is out of range"),
])
def test_live_flags_out_of_range_are_refused(capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        live_main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err


# ---- precompute ------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, needle", [
    (["--frames", "abc"], "argument --frames: 'abc' is not an integer; must be an integer from 1 to 1001"),
    (["--frames", "0"], "argument --frames: 0 is out of range"),
    (["--rows", "-2"], "argument --rows: -2 is out of range"),
    (["--gaze-range", "nan"], "argument --gaze-range: nan is out of range; must be a number > 0 and <= 45"),
    (["--gaze-range", "-5"], "argument --gaze-range: -5 is out of range"),
    (["--gaze-range", "0"], "argument --gaze-range: 0 is out of range"),
    (["--head-yaw", "80"], "argument --head-yaw: 80 is out of range; must be a number from 0 to 15"),
    (["--head-pitch", "-1"], "argument --head-pitch: -1 is out of range"),
    (["--margin", "-1"], "argument --margin: -1 is out of range; must be a number from 0.1 to 2"),
    (["--face", "-1"], "argument --face: -1 is out of range"),
    (["record", "--out", "x.mp4", "--seconds", "0"], "argument --seconds: 0 is out of range"),
    (["record", "--out", "x.mp4", "--seconds", "inf"], "argument --seconds: inf is out of range"),
])
def test_precompute_options_out_of_range_are_refused(tmp_path, capsys, argv, needle):
    full = argv if argv[0] == "record" else [str(tmp_path / "p.png"), *argv]
    with pytest.raises(SystemExit) as exc:
        precompute_main(full)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err
    assert "_positive_int" not in err and "convert" not in err


def test_build_config_made_in_code_is_checked_too(tmp_path):
    from precompute.build import BuildConfig, build_bank
    from sfumato.engines import SweepSpec

    cfg = BuildConfig(painting=tmp_path / "p.png", out=tmp_path / "b", sweep=SweepSpec(gaze_range=-5))
    with pytest.raises(ValueRangeError, match=r"--gaze-range \(sweep.gaze_range\) = -5"):
        build_bank(cfg)
    assert not (tmp_path / "b").exists()


def test_record_out_folder_is_refused(tmp_path, capsys):
    assert precompute_main(["record", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
