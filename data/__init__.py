"""Sample data and the authority register, shipped with the package."""
