"""Reports: builders of plain data, and the SVG charts and templates that show them."""
