//! Credentials and settings of a sandbox, keyed by provider name and setting key. Each
//! provider module declares its settings ([`SettingSpec`]); the registry assembles the
//! defaults ([`SandboxConfig::default`]).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::webhooks::WebhookRetry;

/// The value of one setting.
#[derive(Clone, PartialEq, Eq)]
pub enum Setting {
    /// Text: an id or a secret.
    Text(String),
    /// A duration (written in whole or fractional seconds in JSON, whole seconds on the
    /// command line).
    Duration(Duration),
}

impl fmt::Debug for Setting {
    /// Never prints the text: settings hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Text(_) => f.write_str("Text(..)"),
            Setting::Duration(d) => write!(f, "Duration({d:?})"),
        }
    }
}

impl From<&str> for Setting {
    fn from(value: &str) -> Self {
        Setting::Text(value.to_owned())
    }
}

impl From<String> for Setting {
    fn from(value: String) -> Self {
        Setting::Text(value)
    }
}

impl From<Duration> for Setting {
    fn from(value: Duration) -> Self {
        Setting::Duration(value)
    }
}

/// The default of a setting, as a provider module declares it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SettingDefault {
    /// Default text.
    Text(&'static str),
    /// Default duration.
    Duration(Duration),
}

impl fmt::Debug for SettingDefault {
    /// Never prints the text: defaults include secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingDefault::Text(_) => f.write_str("Text(..)"),
            SettingDefault::Duration(d) => write!(f, "Duration({d:?})"),
        }
    }
}

/// One setting a provider of the sandbox takes: the key it is stored under, the command-line
/// flag of `paylinks sandbox`, a help line and the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingSpec {
    /// The provider's name (`cashfree`).
    pub provider: &'static str,
    /// The setting's key, also its name in the connection JSON (`client_id`; a duration is
    /// written as `<key>_secs`).
    pub key: &'static str,
    /// The long command-line flag, without dashes (`cashfree-client-id`).
    pub flag: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// The default value.
    pub default: SettingDefault,
}

impl SettingSpec {
    /// A text setting (an id, a secret) with its default.
    pub const fn text(
        provider: &'static str,
        key: &'static str,
        flag: &'static str,
        help: &'static str,
        default: &'static str,
    ) -> SettingSpec {
        SettingSpec { provider, key, flag, help, default: SettingDefault::Text(default) }
    }

    /// A duration setting, given in whole seconds on the command line, with its default.
    pub const fn duration(
        provider: &'static str,
        key: &'static str,
        flag: &'static str,
        help: &'static str,
        default: Duration,
    ) -> SettingSpec {
        SettingSpec { provider, key, flag, help, default: SettingDefault::Duration(default) }
    }

    fn default_value(&self) -> Setting {
        match self.default {
            SettingDefault::Text(text) => Setting::Text(text.to_owned()),
            SettingDefault::Duration(duration) => Setting::Duration(duration),
        }
    }
}

/// A setting that does not exist, or a value of the wrong kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// The provider named.
    pub provider: String,
    /// The key named.
    pub key: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sandbox setting {}.{}: {}", self.provider, self.key, self.reason)
    }
}

impl std::error::Error for SettingError {}

/// Everything a sandbox needs to know: each provider's settings (credentials, webhook
/// secrets, Pine Labs' token lifetime), by provider name and key, and where webhook events
/// go ([`SandboxConfig::add_webhook_url`], [`SandboxConfig::set_webhook_retry`]).
/// [`SandboxConfig::default`] holds the fixed, documented sandbox credentials of every
/// registered provider and no webhook URL; [`SandboxConfig::settings`] lists them. `Debug`
/// never prints a text setting (they include secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    specs: Vec<SettingSpec>,
    values: BTreeMap<(&'static str, &'static str), Setting>,
    webhook_urls: Vec<String>,
    webhook_retry: WebhookRetry,
    public_url: Option<String>,
}

impl SandboxConfig {
    /// A configuration of these settings, each at its default.
    pub(crate) fn from_specs(specs: Vec<SettingSpec>) -> SandboxConfig {
        let values = specs.iter().map(|spec| ((spec.provider, spec.key), spec.default_value())).collect();
        SandboxConfig {
            specs,
            values,
            webhook_urls: Vec::new(),
            webhook_retry: WebhookRetry::default(),
            public_url: None,
        }
    }

    /// Registers a URL every webhook event of every provider is POSTed to (the control API's
    /// `POST /_sandbox/webhooks` adds more while the sandbox runs; `paylinks sandbox
    /// --webhook-url URL`). A `{provider}` in the URL is replaced by the provider's name at
    /// each delivery (`http://127.0.0.1:9000/webhooks/{provider}` sends Razorpay's events to
    /// `.../webhooks/razorpay`), as each provider's dashboard has its own webhook URL. A URL
    /// given twice is registered once.
    ///
    /// # Errors
    /// [`SettingError`] (`webhooks.url`) for anything but an absolute http or https URL.
    pub fn add_webhook_url(&mut self, url: &str) -> Result<&mut Self, SettingError> {
        let url = crate::webhooks::check_url(url).map_err(|reason| SettingError {
            provider: "webhooks".to_owned(),
            key: "url".to_owned(),
            reason,
        })?;
        if !self.webhook_urls.contains(&url) {
            self.webhook_urls.push(url);
        }
        Ok(self)
    }

    /// The secret provider `provider` (`razorpay`) signs its webhook deliveries with under
    /// this configuration, as a receiver verifies them (its webhook secret setting, or the
    /// API secret of a provider that signs with it); `None` for a name the sandbox does not
    /// serve.
    pub fn webhook_secret(&self, provider: &str) -> Option<&str> {
        crate::providers::all().into_iter().find(|p| p.name() == provider)?.webhook_secret(self)
    }

    /// The registered webhook URLs, in registration order.
    pub fn webhook_urls(&self) -> &[String] {
        &self.webhook_urls
    }

    /// How deliveries are retried (default [`WebhookRetry::default`]: 5 attempts from 500 ms).
    pub fn set_webhook_retry(&mut self, retry: WebhookRetry) -> &mut Self {
        self.webhook_retry = retry;
        self
    }

    /// How deliveries are retried.
    pub fn webhook_retry(&self) -> WebhookRetry {
        self.webhook_retry
    }

    /// Sets the sandbox's public URL: the root URL a browser reaches the sandbox at, when that
    /// is not the address it binds (behind a tunnel, a reverse proxy or a container's port
    /// mapping; `paylinks sandbox --public-url URL`). Every link's payment page URL (Cashfree
    /// `link_url`, Razorpay `short_url`, Pine Labs' link URL) and the connection JSON's
    /// `pay_url` are built under it: `{public_url}/pay/{api}/{id}`. A path prefix is kept
    /// (`https://abc.ngrok.app/sb` gives `https://abc.ngrok.app/sb/pay/...`) for a proxy that
    /// strips it: the sandbox itself still serves the pages at `/pay/...`. A trailing slash is
    /// dropped. Unset (the default), [`crate::Sandbox::start`] uses the address it bound.
    ///
    /// # Errors
    /// [`SettingError`] (`sandbox.public_url`) for anything but an absolute http or https URL
    /// with a host and without credentials, query or fragment.
    pub fn set_public_url(&mut self, url: &str) -> Result<&mut Self, SettingError> {
        let error = |reason| SettingError { provider: "sandbox".to_owned(), key: "public_url".to_owned(), reason };
        let parsed = url::Url::parse(url.trim()).map_err(|_| error("not an absolute http or https URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(error("not an absolute http or https URL"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(error("must not hold a user name or password"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(error("must not have a query or a fragment"));
        }
        self.public_url = Some(parsed.as_str().trim_end_matches('/').to_owned());
        Ok(self)
    }

    /// The public URL set with [`SandboxConfig::set_public_url`] (no trailing slash), if any.
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// Every setting of every provider, in registration order.
    pub fn settings(&self) -> &[SettingSpec] {
        &self.specs
    }

    /// Sets `provider`'s setting `key` (`config.set("razorpay", "key_id", "rzp_live_x")`,
    /// `config.set("pinelabs", "token_ttl", Duration::from_secs(60))`). Fails for a setting
    /// the provider does not have or a value of the wrong kind.
    pub fn set(&mut self, provider: &str, key: &str, value: impl Into<Setting>) -> Result<&mut Self, SettingError> {
        let error = |reason| SettingError { provider: provider.to_owned(), key: key.to_owned(), reason };
        let spec = self
            .specs
            .iter()
            .find(|spec| spec.provider == provider && spec.key == key)
            .ok_or_else(|| error("no such setting"))?;
        let value = value.into();
        let same_kind = matches!(
            (&value, spec.default),
            (Setting::Text(_), SettingDefault::Text(_)) | (Setting::Duration(_), SettingDefault::Duration(_))
        );
        if !same_kind {
            return Err(error("wrong kind of value (text or duration)"));
        }
        self.values.insert((spec.provider, spec.key), value);
        Ok(self)
    }

    /// A setting's value.
    pub fn get(&self, provider: &str, key: &str) -> Option<&Setting> {
        self.values.iter().find(|((p, k), _)| *p == provider && *k == key).map(|(_, value)| value)
    }

    /// A text setting (an id, a secret).
    pub fn text(&self, provider: &str, key: &str) -> Option<&str> {
        match self.get(provider, key)? {
            Setting::Text(text) => Some(text),
            Setting::Duration(_) => None,
        }
    }

    /// A duration setting.
    pub fn duration(&self, provider: &str, key: &str) -> Option<Duration> {
        match self.get(provider, key)? {
            Setting::Duration(duration) => Some(*duration),
            Setting::Text(_) => None,
        }
    }

    /// A provider's settings as JSON members: texts as they are, a duration `d` under
    /// `<key>_secs` as seconds.
    pub(crate) fn json_members(&self, provider: &str) -> serde_json::Map<String, serde_json::Value> {
        self.specs
            .iter()
            .filter(|spec| spec.provider == provider)
            .filter_map(|spec| match self.get(provider, spec.key)? {
                Setting::Text(text) => Some((spec.key.to_owned(), serde_json::Value::from(text.as_str()))),
                Setting::Duration(d) => Some((format!("{}_secs", spec.key), serde_json::Value::from(d.as_secs_f64()))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_absolute_http_urls_without_a_trailing_slash() {
        let mut config = SandboxConfig::default();
        assert_eq!(config.public_url(), None);
        config.set_public_url("https://abc.ngrok.app/").unwrap();
        assert_eq!(config.public_url(), Some("https://abc.ngrok.app"));
        config.set_public_url(" https://abc.ngrok.app/sb/ ").unwrap();
        assert_eq!(config.public_url(), Some("https://abc.ngrok.app/sb"));
        config.set_public_url("http://127.0.0.1:4455").unwrap();
        assert_eq!(config.public_url(), Some("http://127.0.0.1:4455"));
        for (bad, reason) in [
            ("abc.ngrok.app", "not an absolute http or https URL"),
            ("/sb", "not an absolute http or https URL"),
            ("ftp://abc.ngrok.app", "not an absolute http or https URL"),
            ("", "not an absolute http or https URL"),
            ("https://user:pw@abc.ngrok.app", "must not hold a user name or password"),
            ("https://abc.ngrok.app/?x=1", "must not have a query or a fragment"),
            ("https://abc.ngrok.app/#top", "must not have a query or a fragment"),
        ] {
            let error = config.set_public_url(bad).unwrap_err();
            assert_eq!(
                (error.provider.as_str(), error.key.as_str(), error.reason),
                ("sandbox", "public_url", reason),
                "{bad}"
            );
        }
        assert_eq!(config.public_url(), Some("http://127.0.0.1:4455"), "a refused URL changes nothing");
        assert_eq!(
            config.set_public_url("nope").unwrap_err().to_string(),
            "sandbox setting sandbox.public_url: not an absolute http or https URL"
        );
    }
}
