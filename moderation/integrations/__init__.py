"""Other products' protocols (Coral Talk, Perspective API), translated to this service's decisions."""
