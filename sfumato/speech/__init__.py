"""Speech for the portrait: text or audio in, a timed performance (mouth, blinks, nods, gaze) out."""
