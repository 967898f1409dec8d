"""Social security card (社会保障卡) reading over PC/SC.

``connection`` is the seam to pyscard (``transmit(apdu) -> (data, sw)``); ``apdu`` and
``tlv`` are the protocol layers; ``fields`` decodes the card's encodings; ``sscard``
reads a card into a ``SocialSecurityCardRecord``; ``reading`` bounds a read in time;
``monitor`` and ``watch`` follow readers and cards on one device thread; ``cli`` is
``sicounter card read``. Nothing is imported here so that importing the pure layers
does not load pyscard.
"""
