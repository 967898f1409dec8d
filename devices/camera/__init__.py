"""The document camera (高拍仪): UVC cameras that OpenCV opens.

``connection`` is the seam (``set_mode``/``grab``/``close`` and a backend that lists and
opens cameras), ``errors`` the camera's typed errors; ``opencv`` is the one module that
touches cv2's capture API; ``camera`` negotiates still and preview modes and takes a
still between preview frames; ``watch`` follows the camera on one device thread. Nothing
is imported here, so the pure layers load without initialising any capture backend.
"""
