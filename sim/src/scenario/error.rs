//! Errors a user can cause, in words they can act on.

use core::fmt;

/// One problem with a scenario: where (a dotted path, as `set` takes it) and
/// what is allowed there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scenario could not be read, changed or applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The TOML itself is malformed or has the wrong shape.
    Parse(String),
    /// The scenario is well-formed but breaks the rules: every problem.
    Invalid(Vec<ValidationError>),
    /// A `set` or `get` path names nothing in the scenario: the path, and
    /// which part of it is wrong and what is there instead.
    UnknownPath { path: String, message: String },
    /// A `set` value does not fit the field.
    BadValue { path: String, message: String },
    /// The change cannot be applied to a running simulation.
    NeedsRestart(String),
    /// A `Change` names an instance or service that does not exist.
    NotFound(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Parse(e) => write!(f, "cannot read the scenario: {e}"),
            ScenarioError::Invalid(errors) => {
                write!(f, "the scenario is not valid:")?;
                for e in errors {
                    write!(f, "\n  - {e}")?;
                }
                Ok(())
            }
            ScenarioError::UnknownPath { path, message } => {
                write!(f, "no such setting: {path}: {message}")
            }
            ScenarioError::BadValue { path, message } => write!(f, "{path}: {message}"),
            ScenarioError::NeedsRestart(what) => {
                write!(
                    f,
                    "{what} cannot change while the simulation runs; reset to apply it"
                )
            }
            ScenarioError::NotFound(what) => write!(f, "{what} does not exist"),
        }
    }
}

impl std::error::Error for ScenarioError {}
