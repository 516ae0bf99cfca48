//! Exercise placeholder: filled in by the lesson's issue.
