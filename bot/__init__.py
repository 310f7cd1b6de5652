"""talksbot: answers questions about the Russia–Ukraine peace talks with verbatim quotes."""
