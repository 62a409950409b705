//! Templates under `templates/`, rendered with minijinja and strict undefined: a variable the
//! context lacks is an error naming the template, the line and the variable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template {name} does not exist (looked in {dir})")]
    Missing { name: String, dir: String },
    #[error("template {name}, line {line}: undefined variable `{variable}`")]
    Undefined {
        name: String,
        line: usize,
        variable: String,
    },
    #[error("template {name}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Other {
        name: String,
        line: Option<usize>,
        message: String,
    },
}

/// The templates of one run, each read and parsed once.
pub struct Templates {
    dir: PathBuf,
    sources: Mutex<HashMap<String, String>>,
}

impl Templates {
    pub fn new(dir: &Path) -> Self {
        Templates {
            dir: dir.to_path_buf(),
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// The bytes of a file under templates/ (for plain copies): a regular file that is really
    /// inside the folder (links followed and checked), not writable by everyone.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, TemplateError> {
        let missing = || TemplateError::Missing {
            name: name.to_string(),
            dir: self.dir.display().to_string(),
        };
        if !self.dir.join(name).exists() {
            return Err(missing());
        }
        let real = crate::profile::safe::inside_folder(&self.dir, name).map_err(|e| {
            TemplateError::Other {
                name: name.to_string(),
                line: None,
                message: e.to_string(),
            }
        })?;
        let meta = std::fs::metadata(&real).map_err(|_| missing())?;
        use std::os::unix::fs::PermissionsExt;
        if !meta.is_file() {
            return Err(TemplateError::Other {
                name: name.to_string(),
                line: None,
                message: "is not a regular file".into(),
            });
        }
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(TemplateError::Other {
                name: name.to_string(),
                line: None,
                message: format!("is writable by everyone; run: chmod o-w {}", real.display()),
            });
        }
        let mut bytes = Vec::new();
        use std::io::Read;
        std::fs::File::open(&real)
            .and_then(|f| f.take(MAX_TEMPLATE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|_| missing())?;
        if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
            return Err(TemplateError::Other {
                name: name.to_string(),
                line: None,
                message: format!("is larger than {} MiB", MAX_TEMPLATE_BYTES >> 20),
            });
        }
        Ok(bytes)
    }

    fn source(&self, name: &str) -> Result<String, TemplateError> {
        let mut cache = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = cache.get(name) {
            return Ok(s.clone());
        }
        let bytes = self.read(name)?;
        let text = String::from_utf8(bytes).map_err(|_| TemplateError::Other {
            name: name.into(),
            line: None,
            message: "not UTF-8".into(),
        })?;
        cache.insert(name.to_string(), text.clone());
        Ok(text)
    }

    /// Renders template `name` (a path under templates/) with `context`.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<String, TemplateError> {
        render_str(name, &self.source(name)?, context)
    }
}

/// The largest file under templates/ jinbao copies or renders.
const MAX_TEMPLATE_BYTES: u64 = 16 << 20;

/// The work one render may do (minijinja fuel: about one unit per instruction or 64 bytes):
/// a template that loops without end or grows without bound fails instead of hanging.
const RENDER_FUEL: u64 = 2_000_000;

/// The escaping of values rendered into TOML files (`*.toml.j2`).
const TOML: &str = "toml";

/// Renders `source` (called `name` in messages) with `context`, strictly.
/// In a `.toml.j2` template every value is escaped for a TOML string, so that a quote or a line
/// break in a profile value cannot add keys to the rendered file.
pub fn render_str(
    name: &str,
    source: &str,
    context: &serde_json::Value,
) -> Result<String, TemplateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(RENDER_FUEL));
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".toml.j2") || name.ends_with(".toml") {
            AutoEscape::Custom(TOML.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(f) if f == TOML) && !value.is_safe() {
            let text = value.to_string();
            out.write_str(&toml_escape(&text))?;
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("a valid syntax config"),
    );
    let other = |e: &minijinja::Error| TemplateError::Other {
        name: name.to_string(),
        line: e.line(),
        message: e.detail().unwrap_or(&e.kind().to_string()).to_string(),
    };
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(|e| other(&e))?;
    let template = env.get_template(name).map_err(|e| other(&e))?;
    template.render(Serde(context)).map_err(|e| {
        if e.kind() == minijinja::ErrorKind::UndefinedError {
            let variable = template
                .undeclared_variables(true)
                .into_iter()
                .filter(|v| lookup(context, v).is_none())
                .min_by_key(|v| first_use(source, v))
                .unwrap_or_else(|| "(unknown)".into());
            TemplateError::Undefined {
                name: name.to_string(),
                line: e.line().unwrap_or(0),
                variable,
            }
        } else {
            other(&e)
        }
    })
}

/// `s` as the inside of a TOML basic string: `\\`, `"` and control characters escaped.
fn toml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The value at a dotted path of the context, if any.
fn lookup<'v>(context: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.')
        .try_fold(context, |v, key| v.as_object().and_then(|o| o.get(key)))
}

fn first_use(source: &str, variable: &str) -> usize {
    source.find(variable).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_keeps_the_trailing_newline() {
        let ctx = serde_json::json!({ "city": { "name": "许昌市" } });
        assert_eq!(
            render_str("t", "name = \"{{ city.name }}\"\n", &ctx).unwrap(),
            "name = \"许昌市\"\n"
        );
    }

    #[test]
    fn values_in_toml_files_cannot_add_keys() {
        let ctx = serde_json::json!({ "server": { "name": "a\"\nadmin = true\n#" } });
        let out = render_str("app.toml.j2", "name = \"{{ server.name }}\"\n", &ctx).unwrap();
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(parsed.len(), 1, "{out}");
        assert_eq!(parsed["name"].as_str(), Some("a\"\nadmin = true\n#"));
    }

    #[test]
    fn a_template_that_never_ends_runs_out_of_fuel() {
        let ctx = serde_json::json!({});
        let err = render_str(
            "loop.j2",
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
            &ctx,
        )
        .unwrap_err();
        assert!(err.to_string().contains("loop.j2"), "{err}");
    }

    #[test]
    fn a_missing_variable_names_template_line_and_variable() {
        let ctx = serde_json::json!({ "city": { "name": "x" } });
        let err =
            render_str("app.toml.j2", "a\n{{ city.name }}\n{{ city.nope }}\n", &ctx).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template app.toml.j2, line 3: undefined variable `city.nope`"
        );
    }
}
