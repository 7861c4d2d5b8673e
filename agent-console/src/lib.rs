//! Agent console (placeholder until the console lands).
