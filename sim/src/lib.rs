//! Sahara Sim core. Placeholder until the simulation-core issue lands.

/// The core's version, as the CLI and the page will show it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_package_version() {
        assert_eq!(super::version(), "0.1.0");
    }
}
