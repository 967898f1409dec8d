"""Resident ID card (居民身份证 and permits) reading over serial: the 公安部 SAM protocol.

``serial_link`` is the seam to pyserial (``write``/``read``/``close``); ``protocol`` frames
commands and finds replies in the byte stream; ``session`` runs the commands with bounded
waits and retries; ``decode`` turns a read reply into an ``IdCardRecord`` (``record``) and
hosts the optional WLT photo decoder plug-in; ``errors`` maps every SW3 to a typed error;
``discovery`` and ``watch`` find the reader and follow cards on one device thread; ``cli``
is ``sicounter idcard read``. Nothing is imported here, so the pure layers load without pyserial.
"""
