"""Simulators that speak the devices' real protocols (training, demos, tests).

``sscard``: a virtual social security card for pcscd's vpcd driver (card logic in
``sscard_applet``); ``pcscd``: a private pcscd with a vpcd reader; ``holders``: demo
card holders as JSON. Nothing is started at import time.
"""
