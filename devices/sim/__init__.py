"""Simulators that speak the devices' real protocols (training, demos, tests).

``sscard``: a virtual social security card for pcscd's vpcd driver (card logic in
``sscard_applet``); ``pcscd``: a private pcscd with a vpcd reader; ``holders``: demo
card holders as JSON; ``idcard``: a resident ID card reader answering the SAM serial
protocol on a pseudo-terminal; ``identities``: sample ID cards as JSON (one of each
card type). Nothing is started at import time.
"""
