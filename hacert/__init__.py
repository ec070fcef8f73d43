"""hacert: validation and certification of Linux HA and virtualization clusters."""

__version__ = "0.2.0"
