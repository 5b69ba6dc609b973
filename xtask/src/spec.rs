//! Where the specs and the generated files live, and how a spec is read.

use std::path::PathBuf;

/// A provider: its spec and the crate its client is generated into.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    pub name: &'static str,
    /// The type the generated `Client` carries as its `inner` state, if any.
    pub inner_type: Option<&'static str>,
}

pub const PROVIDERS: &[Provider] = &[
    Provider { name: "cashfree", inner_type: None },
    Provider { name: "razorpay", inner_type: None },
    Provider { name: "pinelabs", inner_type: Some("crate::auth::TokenCache") },
];

impl Provider {
    pub fn spec_path(&self) -> PathBuf {
        root().join("specs").join(format!("{}.yaml", self.name))
    }

    /// Relative to the workspace root, for messages and banners.
    pub fn spec_display(&self) -> String {
        format!("specs/{}.yaml", self.name)
    }

    pub fn generated_path(&self) -> PathBuf {
        root().join("crates").join(format!("paylinks-{}", self.name)).join("src/generated.rs")
    }

    /// The spec as text, as a JSON value (for lints) and as parsed by `openapiv3`.
    pub fn load(&self) -> Result<Loaded, String> {
        let path = self.spec_path();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", self.spec_display()))?;
        let value: serde_json::Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: not YAML: {e}", self.spec_display()))?;
        let api: openapiv3::OpenAPI = serde_json::from_value(value.clone())
            .map_err(|e| format!("{}: not an OpenAPI document: {e}", self.spec_display()))?;
        Ok(Loaded { value, api })
    }
}

pub struct Loaded {
    pub value: serde_json::Value,
    pub api: openapiv3::OpenAPI,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The named providers, in the order given, or every provider when none is named. The command
/// line accepts only the names in `PROVIDERS`.
pub fn select(names: &[String]) -> Vec<Provider> {
    if names.is_empty() {
        return PROVIDERS.to_vec();
    }
    names.iter().filter_map(|name| PROVIDERS.iter().find(|p| p.name == name)).copied().collect()
}
