"""The painting rig: layers (eyes, lids, later mouth and brows) and the warps that render them."""
