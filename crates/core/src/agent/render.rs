use std::collections::BTreeMap;

use super::config::AgentConfig;
use super::template::{TemplateError, render};

impl AgentConfig {
    /// The config a call runs with: the call's variables merged over the agent's defaults, and
    /// the placeholders of `system_prompt` and `first_message` filled. The error names every
    /// variable missing from either text.
    pub fn render(
        &self,
        call_vars: &BTreeMap<String, String>,
    ) -> Result<AgentConfig, TemplateError> {
        let mut variables = self.variables.clone();
        variables.extend(call_vars.iter().map(|(k, v)| (k.clone(), v.clone())));

        let prompt = render(&self.system_prompt, &variables);
        let first_message = self
            .first_message
            .as_deref()
            .map(|message| render(message, &variables))
            .transpose();
        match (prompt, first_message) {
            (Ok(system_prompt), Ok(first_message)) => Ok(AgentConfig {
                system_prompt,
                first_message,
                variables,
                ..self.clone()
            }),
            (prompt, first_message) => {
                let mut missing = prompt.err().map(|e| e.missing).unwrap_or_default();
                for name in first_message.err().map(|e| e.missing).unwrap_or_default() {
                    if !missing.contains(&name) {
                        missing.push(name);
                    }
                }
                Err(TemplateError { missing })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn call_variables_win_over_the_agent_defaults() {
        let mut config = AgentConfig::with_prompt("You help {{company}} customers.");
        config.first_message = Some("Hi {{caller_name}}!".into());
        config.variables = vars(&[("company", "Acme"), ("caller_name", "there")]);

        let defaults = config.render(&BTreeMap::new()).unwrap();
        assert_eq!(defaults.system_prompt, "You help Acme customers.");
        assert_eq!(defaults.first_message.as_deref(), Some("Hi there!"));

        let rendered = config.render(&vars(&[("caller_name", "Ada")])).unwrap();
        assert_eq!(rendered.first_message.as_deref(), Some("Hi Ada!"));
        assert_eq!(rendered.variables["caller_name"], "Ada");
        assert_eq!(rendered.variables["company"], "Acme");
        // The rest of the config is untouched.
        assert_eq!(rendered.silence, config.silence);
    }

    #[test]
    fn names_the_missing_variables_of_both_texts() {
        let mut config = AgentConfig::with_prompt("For {{company}}, about {{topic}}.");
        config.first_message = Some("Hi {{caller_name}}, about {{topic}}?".into());
        let err = config.render(&vars(&[("company", "Acme")])).unwrap_err();
        assert_eq!(err.missing, vec!["topic", "caller_name"]);
    }

    #[test]
    fn a_config_without_a_first_message_renders_without_one() {
        let config = AgentConfig::with_prompt("Plain.");
        let rendered = config.render(&BTreeMap::new()).unwrap();
        assert_eq!(rendered, config);
    }
}
