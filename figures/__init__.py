"""The figures layer: every figure a user sees, built once and made safe for its viewer."""
