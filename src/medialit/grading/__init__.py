"""Grading: the plan read from the masters, trusted scoring of saved answers, results, and the kernel sandbox."""
