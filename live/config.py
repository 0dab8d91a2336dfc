"""Configuration of the live loop: dataclasses with documented defaults, loaded from TOML.

Every option has a default here; ``live/default.toml`` documents the same keys (a test
checks they agree). A user TOML may set any subset; unknown sections or keys are an error
(one line naming the file and the key), so a typo never silently does nothing. CLI flags
override the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from sfumato.errors import SfumatoError
from sfumato.fomm.modes import MODES
from sfumato.validate import FPS, FRACTION, NON_NEGATIVE, RGB_CHANNEL, SEED, OneOf, Range, Rule, check_fields, check_pair_order

DEFAULT_TOML = Path(__file__).with_name("default.toml")


class ConfigError(SfumatoError):
    """The config file is missing, not TOML, or has an unknown key or a wrong type."""


@dataclass
class CameraConfig:
    source: str = "auto"          # "auto", a webcam index ("0"), a video file path, or "sim[:scenario]"
    width: int = 640              # requested capture width (px); the simulated viewer renders at this size
    height: int = 480
    fps: float = 30.0             # requested capture rate; the simulated viewer and video pacing use it
    retry_s: float = 3.0          # seconds between reconnect attempts when the camera is missing or lost
    loop_video: bool = True       # restart a video file when it ends
    seed: int = 0                 # simulated viewer: noise and idle-glance seed


@dataclass
class TrackerConfig:
    model: str = "short"          # "short" (BlazeFace short range, < 2 m) or "full" (2-5 m)
    min_confidence: float = 0.5   # detections below this score are ignored (0..1)
    keep_s: float = 0.5           # the followed face may go undetected this long before another is chosen
    match_radius: float = 1.0     # a face matches the followed one if its centre is within this many box widths


@dataclass
class MappingConfig:
    mode: str = "angular"         # "linear" (x across the camera width) or "angular" (geometry below)
    mirror: bool = True           # camera image is not mirrored (a person on the screen's right appears on the image's left)
    hfov_deg: float = 60.0        # camera horizontal field of view (degrees)
    camera_offset_m: tuple[float, float] = (0.0, 0.35)  # camera position relative to the painting centre (x right, y up), metres
    eye_distance_m: float = 0.063  # assumed interpupillary distance, for the viewer distance estimate
    gain: float = 1.0             # multiplies the viewer angle before looking it up (1 = look straight at them)


@dataclass
class SmoothingConfig:
    min_cutoff_hz: float = 0.6    # One Euro: cutoff when still (lower = calmer)
    beta: float = 0.04            # One Euro: cutoff increase per deg/s of speed (higher = catches quick moves)
    d_cutoff_hz: float = 1.0      # One Euro: cutoff of the speed estimate
    hysteresis: float = 0.3       # extra fraction of a bin the position must pass before the frame changes (0..0.5)
    crossfade_ms: float = 80.0    # time to blend from one frame to its neighbour
    enabled: bool = True          # false = the naive loop (raw nearest frame per camera frame, no smoothing)


@dataclass
class PresenceConfig:
    lost_after_s: float = 2.0     # no viewer this long -> ease back to the centre frame
    return_s: float = 1.5         # duration of the ease back
    idle_glances: bool = True     # while nobody is there, occasionally glance aside
    glance_every_s: tuple[float, float] = (8.0, 16.0)  # random interval between glances
    glance_hold_s: float = 1.2    # how long a glance rests before easing back
    glance_amount: float = 0.5    # fraction of the bank's yaw range a glance may reach (0..1)


@dataclass
class BlinkConfig:
    enabled: bool = True          # blink (banks with blink frames only)
    every_s: tuple[float, float] = (2.0, 10.0)  # random interval between blinks, seconds
    close_ms: float = 120.0       # time for the lids to close
    closed_ms: float = 30.0       # time they stay shut
    open_ms: float = 280.0        # time to open again (slower than closing)


@dataclass
class DisplayConfig:
    size: tuple[int, int] = (1280, 720)   # window size (px); also the headless/recording size
    fullscreen: bool = False
    fps: float = 60.0
    background: tuple[int, int, int] = (0, 0, 0)  # letterbox colour, RGB
    hud: bool = False             # start with the debug HUD on (toggle with D)
    kiosk: bool = False           # no display is an error (exit 2), never a headless fallback (systemd unit)


@dataclass
class OutputConfig:
    headless: bool = False        # no window (SDL dummy driver)
    record: str = ""              # write what the screen showed to this MP4 ("" = off)
    record_fps: float = 30.0
    record_layout: str = "screen"  # "screen" (what the screen showed) or "side-by-side" (portrait + viewer with face boxes)
    record_camera: str = ""       # write the camera frames to this MP4 (privacy: off unless asked)
    trace: str = ""               # JSONL, one line per camera frame ("" = off)
    duration_s: float = 0.0       # stop after this many seconds (0 = run until Q/Esc)
    lockstep: bool = False        # process every camera frame in virtual time (tests, offline renders)


@dataclass
class DriveConfig:
    enabled: bool = False         # true = the painting's head is driven live by the viewer's face
    engine: str = "rig"           # "rig" (no weights: FaceMesh signals drive the painting rig) or "fomm" (needs the checkpoint)
    checkpoint: str = "checkpoints/vox-cpk.pth.tar"  # FOMM vox-256 checkpoint
    model_config: str = ""        # FOMM model_params YAML ("" = the bundled vox-256 config)
    mode: str = "fast"            # sfumato.fomm.modes.MODES: "exact" (PyTorch fp32), "fast" (fp32 on MNN / ONNX Runtime), "int8" (ONNX Runtime, int8 generator)
    onnx_dir: str = ""            # fast and int8 modes' ONNX (and MNN) graphs ("" = ~/.cache/sfumato/fomm-onnx/<checkpoint hash>)
    margin: float = 0.6           # viewer crop margin per side, fraction of the face size (the bank's head crop margin)
    relative: bool = True         # move the painting by the viewer's motion relative to the reference frame
    adapt_scale: bool = True      # scale that motion by the faces' keypoint hull size ratio
    threads: int = 0              # model threads (0 = all cores)
    server: str = ""              # FOMM server URL (http://HOST:PORT, Triton): run the model there instead of here
    server_timeout_s: float = 0.5  # per-request timeout; a slower answer falls back to the weightless rig
    server_retry_s: float = 1.0   # while the server is away, try to reconnect this often


DEFAULT_LINES = (
    "Hello. I have been waiting for you.",
    "Welcome. Come a little closer, and I will tell you a secret.",
    "Good day. Do you like my smile?",
)


@dataclass
class SpeechConfig:
    enabled: bool = False         # greet each new viewer with one of the lines (spoken offline, prepared at start-up)
    lines: list = field(default_factory=lambda: list(DEFAULT_LINES))  # what the portrait says, in turn
    wav_folder: str = ""          # a folder of recordings (any format ffmpeg reads) to say instead of the lines
    max_chars: int = 300          # longest line accepted
    mute: bool = False            # --mute: no speech at all
    volume: float = 1.0           # 0..1
    min_gap_s: float = 10.0       # no new greeting within this many seconds after the last one ended


@dataclass
class PuppetConfig:
    capture_s: float = 1.0        # the neutral face: this many seconds of a steady face (R re-captures)
    steady_deg: float = 3.0       # ... holding within this many degrees of head rotation
    layers: str = "head,eyes,blink,mouth,brows"  # what the viewer's face drives (comma-separated subset)
    mesh_side: int = 256          # the viewer's face crop is resized to this many px for FaceMesh
    head_gain: float = 1.0        # painting head degrees per viewer head degree
    max_yaw_deg: float = 15.0     # soft limits of the painting's head turn (the rig's range)
    max_pitch_deg: float = 10.0
    max_roll_deg: float = 10.0
    gaze_gain_deg: float = 50.0   # painting eye-in-head degrees per eye half-width of the viewer's iris offset
    max_gaze_deg: float = 15.0    # soft limit of the eye turn (vertical: half of it)
    blink_open: float = 0.8       # eye aspect ratio / neutral at or above which the lid is fully open
    blink_shut: float = 0.35      # ... and at or below which it is shut
    mouth_gain: float = 5.0       # painting mouth opening (0..1) per eye distance of the viewer's lip gap
    mouth_width_gain: float = 2.5  # painting mouth spread (-1..1) per fraction of the viewer's mouth width
    brow_gain: float = 12.0       # painting brow raise (-1..1) per eye distance of the viewer's brow raise
    min_cutoff_hz: float = 1.5    # One Euro cutoff when still (gaze x2, blinks x6); lower = calmer, more lag
    beta: float = 0.3             # One Euro cutoff increase per unit/s of movement
    d_cutoff_hz: float = 1.0      # One Euro cutoff of the speed estimate
    hold_s: float = 0.3           # no face: hold the expression this long ...
    return_s: float = 1.2         # ... then ease back to rest over this long


@dataclass
class LiveConfig:
    bank: str = "frames/mona_lisa"
    camera: CameraConfig = field(default_factory=CameraConfig)
    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    mapping: MappingConfig = field(default_factory=MappingConfig)
    smoothing: SmoothingConfig = field(default_factory=SmoothingConfig)
    presence: PresenceConfig = field(default_factory=PresenceConfig)
    blink: BlinkConfig = field(default_factory=BlinkConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    drive: DriveConfig = field(default_factory=DriveConfig)
    puppet: PuppetConfig = field(default_factory=PuppetConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)


# The allowed range of every numeric or word option (dotted keys as in the TOML file).
RULES: dict[str, Rule] = {
    "camera.width": Range(16, 7680, integer=True),
    "camera.height": Range(16, 4320, integer=True),
    "camera.fps": FPS,
    "camera.retry_s": Range(0.1, 3600),
    "camera.seed": SEED,
    "tracker.model": OneOf(("short", "full")),
    "tracker.min_confidence": FRACTION,
    "tracker.keep_s": Range(0, 60),
    "tracker.match_radius": Range(0, 10, open_lo=True),
    "mapping.mode": OneOf(("linear", "angular")),
    "mapping.hfov_deg": Range(10, 170),
    "mapping.camera_offset_m": Range(-10, 10),
    "mapping.eye_distance_m": Range(0.03, 0.1),
    "mapping.gain": Range(0, 5, open_lo=True),
    "smoothing.min_cutoff_hz": Range(0, 100, open_lo=True),
    "smoothing.beta": Range(0, 100),
    "smoothing.d_cutoff_hz": Range(0, 100, open_lo=True),
    "smoothing.hysteresis": Range(0, 0.5),
    "smoothing.crossfade_ms": Range(0, 5000),
    "presence.lost_after_s": Range(0, 3600),
    "presence.return_s": Range(0, 60),
    "presence.glance_every_s": Range(0.1, 3600),
    "presence.glance_hold_s": Range(0, 60),
    "presence.glance_amount": FRACTION,
    "display.size": Range(16, 16384, integer=True),
    "display.fps": FPS,
    "display.background": RGB_CHANNEL,
    "output.record_fps": FPS,
    "output.record_layout": OneOf(("screen", "side-by-side")),
    "output.duration_s": NON_NEGATIVE,
    "drive.mode": OneOf(MODES),
    "drive.margin": Range(0.1, 2.0),
    "drive.threads": Range(0, 1024, integer=True),
    "drive.server_timeout_s": Range(0.01, 60),
    "drive.server_retry_s": Range(0.05, 3600),
    "drive.engine": OneOf(("rig", "fomm")),
    "puppet.capture_s": Range(0, 60),
    "puppet.steady_deg": Range(0, 45, open_lo=True),
    "puppet.mesh_side": Range(128, 1024, integer=True),
    "puppet.head_gain": Range(0, 5),
    "puppet.max_yaw_deg": Range(0, 30, open_lo=True),
    "puppet.max_pitch_deg": Range(0, 20, open_lo=True),
    "puppet.max_roll_deg": Range(0, 30, open_lo=True),
    "puppet.gaze_gain_deg": Range(0, 200),
    "puppet.max_gaze_deg": Range(0, 40, open_lo=True),
    "puppet.blink_open": Range(0, 1.5, open_lo=True),
    "puppet.blink_shut": Range(0, 1.5),
    "puppet.mouth_gain": Range(0, 50),
    "puppet.mouth_width_gain": Range(0, 50),
    "puppet.brow_gain": Range(0, 100),
    "puppet.min_cutoff_hz": Range(0, 100, open_lo=True),
    "puppet.beta": Range(0, 100),
    "puppet.d_cutoff_hz": Range(0, 100, open_lo=True),
    "puppet.hold_s": Range(0, 60),
    "puppet.return_s": Range(0, 60),
}


def check_config(cfg: LiveConfig, where: str = "") -> LiveConfig:
    """Refuse any value outside :data:`RULES` (one line: key, value, allowed range); return ``cfg``."""
    check_fields(cfg, RULES, where)
    check_pair_order("presence.glance_every_s", cfg.presence.glance_every_s, where)
    check_pair_order("[puppet.blink_shut, puppet.blink_open]", (cfg.puppet.blink_shut, cfg.puppet.blink_open), where)
    return cfg


def _coerce(value: Any, default: Any, where: str, path: str) -> Any:
    """Check ``value`` against the type of ``default`` and convert lists to tuples."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            value = type(default)(value) if isinstance(default, float) or float(value).is_integer() else value
    elif isinstance(default, str):
        ok = isinstance(value, (str, int)) and not isinstance(value, bool)
        value = str(value)
    elif isinstance(default, list):
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        value = list(value) if ok else value
    elif isinstance(default, tuple):
        ok = isinstance(value, (list, tuple)) and len(value) == len(default)
        if ok:
            value = tuple(_coerce(v, d, where, path) for v, d in zip(value, default))
    else:
        ok = True
    if not ok:
        raise ConfigError(f"{path}: {where} should look like {default!r}, got {value!r}; fix the value")
    return value


def _merge(obj: Any, data: dict[str, Any], prefix: str, path: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(f"{path}: unknown option '{where}'; see live/default.toml for the valid keys")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{where}' should be a [{where}] table")
            changes[key] = _merge(current, value, f"{where}.", path)
        else:
            changes[key] = _coerce(value, current, where, path)
    return replace(obj, **changes)


def load_config(path: str | Path | None = None) -> LiveConfig:
    """Defaults, overridden by the TOML file at ``path`` when given.

    Raises:
        ConfigError: missing file, a folder, bad TOML, unknown key or wrong type (one line, names the file).
        ValueRangeError: a value outside its range (:data:`RULES`).
    """
    cfg = LiveConfig()
    if path is None:
        return cfg
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found; pass an existing file to --config") from None
    except IsADirectoryError:
        raise ConfigError(f"{p}: is a folder; --config needs a TOML file (see live/default.toml)") from None
    except OSError as err:
        raise ConfigError(f"{p}: cannot read the config file ({err.strerror}); check the path and permissions") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{p}: not valid TOML ({err}); fix the syntax") from None
    return check_config(_merge(cfg, data, "", str(p)), str(p))


def set_option(cfg: LiveConfig, dotted: str, value: Any) -> LiveConfig:
    """Return ``cfg`` with ``section.key`` (or a top-level key) set to ``value``, type-checked."""
    parts = dotted.split(".")
    data: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        data = {part: data}
    return _merge(cfg, data, "", "command line")


def as_dict(obj: Any) -> dict[str, Any]:
    """The config as plain TOML-able data (tuples become lists)."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = as_dict(v) if is_dataclass(v) else (list(v) if isinstance(v, tuple) else v)
    return out
