//! Templates under `templates/`, rendered with minijinja and strict undefined: a variable the
//! context lacks is an error naming the template, the line and the variable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior};

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

    /// The bytes of a file under templates/ (for plain copies).
    pub fn read(&self, name: &str) -> Result<Vec<u8>, TemplateError> {
        std::fs::read(self.dir.join(name)).map_err(|_| TemplateError::Missing {
            name: name.to_string(),
            dir: self.dir.display().to_string(),
        })
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

/// Renders `source` (called `name` in messages) with `context`, strictly.
pub fn render_str(
    name: &str,
    source: &str,
    context: &serde_json::Value,
) -> Result<String, TemplateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
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
