"""Stage 3, render: formulas, diagrams and pictures → image files, cached."""
