"""Config: documented defaults, TOML loading, CLI overrides, clear errors."""

from __future__ import annotations

import tomllib

import pytest

from live.cli import main, make_config, build_parser
from live.config import DEFAULT_TOML, ConfigError, LiveConfig, as_dict, load_config


def test_default_toml_documents_every_option_with_the_dataclass_defaults():
    assert tomllib.loads(DEFAULT_TOML.read_text()) == as_dict(LiveConfig())
    assert load_config(DEFAULT_TOML) == LiveConfig()


def test_toml_overrides_and_cli_overrides_toml(tmp_path):
    p = tmp_path / "kiosk.toml"
    p.write_text('bank = "frames/x"\n[display]\nfullscreen = true\nsize = [1920, 1080]\n[mapping]\nmode = "linear"\n')
    cfg = load_config(p)
    assert cfg.bank == "frames/x" and cfg.display.fullscreen and cfg.display.size == (1920, 1080)
    assert cfg.mapping.mode == "linear" and cfg.camera == LiveConfig().camera
    args = build_parser().parse_args(["--config", str(p), "--mapping", "angular", "--size", "800x600", "--naive"])
    cfg2 = make_config(args)
    assert cfg2.mapping.mode == "angular" and cfg2.display.size == (800, 600) and not cfg2.smoothing.enabled
    assert cfg2.display.fullscreen and cfg2.bank == "frames/x"


@pytest.mark.parametrize("text, match", [
    ("[display]\nfulscreen = true\n", "unknown option 'display.fulscreen'"),
    ("[display]\nfps = 'fast'\n", "display.fps"),
    ("[display\n", "not valid TOML"),
])
def test_bad_config_is_one_clear_line(tmp_path, capsys, text, match):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_config(p)
    assert main(["--config", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(p) in err and "Traceback" not in err


def test_missing_config_file(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml")]) == 2
    assert "config file not found" in capsys.readouterr().err
