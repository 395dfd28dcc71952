//! [`FallbackChain`]: several models for the LLM role, tried in order. The next takes over when
//! one fails or misses the first-token budget, and every switch is reported in the stream as
//! [`ChatEvent::Switched`] (which model failed, why, which took over) for the engine to log.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{StreamExt, stream};
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::model::{ChatModel, ChatStream};
use super::types::{ChatEvent, ChatRequest, ChatResponse, Switch, SwitchCause};
use crate::ProviderError;

/// A chain is itself a [`ChatModel`], so the engine holds one `Arc<dyn ChatModel>` either way.
pub struct FallbackChain {
    label: String,
    models: Vec<Arc<dyn ChatModel>>,
    first_token_budget: Option<Duration>,
    restart_mid_stream: bool,
    bench: Arc<Bench>,
}

/// Models that failed or were late recently: later turns try them last until the cooldown
/// is over, so one sick provider does not cost every turn of a call its budget again.
#[derive(Default)]
struct Bench {
    cooldown: Option<Duration>,
    until: Mutex<Vec<Option<Instant>>>,
}

impl Bench {
    /// Indices in the order to try now: rested models first, benched ones after, each group
    /// in the configured order.
    fn order(&self, count: usize) -> Vec<usize> {
        let now = Instant::now();
        let until = self.until.lock().expect("bench lock");
        let benched = |i: usize| until.get(i).copied().flatten().is_some_and(|t| t > now);
        let (mut rested, tired): (Vec<usize>, Vec<usize>) = (0..count).partition(|&i| !benched(i));
        rested.extend(tired);
        rested
    }

    fn set(&self, index: usize, value: Option<Instant>) {
        let mut until = self.until.lock().expect("bench lock");
        if until.len() <= index {
            until.resize(index + 1, None);
        }
        until[index] = value;
    }

    fn bench(&self, index: usize) {
        if let Some(cooldown) = self.cooldown {
            self.set(index, Some(Instant::now() + cooldown));
        }
    }
}

impl FallbackChain {
    /// `models` in order of preference; at least one.
    pub fn new(models: Vec<Arc<dyn ChatModel>>) -> Self {
        assert!(
            !models.is_empty(),
            "a fallback chain needs at least one model"
        );
        let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
        let label = format!("chain[{}]", names.join(" > "));
        Self {
            label,
            models,
            first_token_budget: None,
            restart_mid_stream: false,
            bench: Arc::default(),
        }
    }

    /// After a model fails or is late, later turns try it last for this long (default: never
    /// demoted). Set before the chain is shared.
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.bench = Arc::new(Bench {
            cooldown: Some(cooldown),
            ..Bench::default()
        });
        self
    }

    /// The models in the order the next turn will try them.
    fn ordered(&self) -> (Vec<usize>, Vec<Arc<dyn ChatModel>>) {
        let order = self.bench.order(self.models.len());
        let models = order.iter().map(|&i| self.models[i].clone()).collect();
        (order, models)
    }

    /// The longest wait for a model's first event before the next one is tried. The last model
    /// is never cut off by it (a late answer beats none); its own timeouts still apply.
    pub fn first_token_budget(mut self, budget: Duration) -> Self {
        self.first_token_budget = Some(budget);
        self
    }

    /// When a model fails after it already streamed part of a reply: `false` (default) ends
    /// the stream with the error; `true` asks the next model to answer the whole request again,
    /// marking the switch `discarded_output` so the listener drops what it had.
    pub fn restart_mid_stream(mut self, restart: bool) -> Self {
        self.restart_mid_stream = restart;
        self
    }
}

enum Polled {
    Item(Option<Result<ChatEvent, ProviderError>>),
    Late(Duration),
}

struct ChainDriver {
    models: Vec<Arc<dyn ChatModel>>,
    /// `models[i]` is the chain's model number `order[i]` (for the bench).
    order: Vec<usize>,
    bench: Arc<Bench>,
    request: ChatRequest,
    cancel: CancellationToken,
    budget: Option<Duration>,
    restart_mid_stream: bool,
    index: usize,
    current: Option<ChatStream>,
    deadline: Option<Instant>,
    delivered: bool,
    done: bool,
}

impl ChainDriver {
    async fn next(&mut self) -> Option<Result<ChatEvent, ProviderError>> {
        if self.done {
            return None;
        }
        let is_last = self.index + 1 == self.models.len();
        let current = self.current.get_or_insert_with(|| {
            self.delivered = false;
            self.deadline = self
                .budget
                .filter(|_| !is_last)
                .map(|budget| Instant::now() + budget);
            self.models[self.index].stream(&self.request, self.cancel.clone())
        });
        let polled = match (self.deadline, self.delivered) {
            (Some(deadline), false) => match timeout_at(deadline, current.next()).await {
                Ok(item) => Polled::Item(item),
                Err(_) => Polled::Late(self.budget.unwrap_or_default()),
            },
            _ => Polled::Item(current.next().await),
        };
        match polled {
            Polled::Late(budget) => Some(Ok(self.switch(SwitchCause::FirstTokenLate(budget)))),
            Polled::Item(None) => {
                self.done = true;
                None
            }
            Polled::Item(Some(Ok(event))) => {
                if !self.delivered {
                    self.bench.set(self.order[self.index], None);
                }
                self.delivered = true;
                Some(Ok(event))
            }
            Polled::Item(Some(Err(error))) => {
                let may_switch = !is_last && (!self.delivered || self.restart_mid_stream);
                if matches!(error, ProviderError::Cancelled) || !may_switch {
                    self.done = true;
                    return Some(Err(error));
                }
                Some(Ok(self.switch(SwitchCause::Failed(error.to_string()))))
            }
        }
    }

    /// Drops the current model's stream (closing its connection) and moves to the next.
    fn switch(&mut self, cause: SwitchCause) -> ChatEvent {
        self.current = None;
        self.bench.bench(self.order[self.index]);
        let from = self.models[self.index].name().to_owned();
        self.index += 1;
        let to = self.models[self.index].name().to_owned();
        tracing::warn!(%from, %to, ?cause, "LLM fallback");
        ChatEvent::Switched(Switch {
            from,
            to,
            cause,
            discarded_output: self.delivered,
        })
    }
}

impl ChatModel for FallbackChain {
    fn name(&self) -> &str {
        &self.label
    }

    fn stream(&self, request: &ChatRequest, cancel: CancellationToken) -> ChatStream {
        let (order, models) = self.ordered();
        let driver = ChainDriver {
            models,
            order,
            bench: self.bench.clone(),
            request: request.clone(),
            cancel,
            budget: self.first_token_budget,
            restart_mid_stream: self.restart_mid_stream,
            index: 0,
            current: None,
            deadline: None,
            delivered: false,
            done: false,
        };
        Box::pin(stream::unfold(driver, |mut driver| async move {
            let item = driver.next().await?;
            Some((item, driver))
        }))
    }

    /// Tries each model in turn on any error but cancellation; the budget does not apply here
    /// (summaries are not on the call's critical path).
    fn complete(
        &self,
        request: &ChatRequest,
        cancel: CancellationToken,
    ) -> BoxFuture<'static, Result<ChatResponse, ProviderError>> {
        let (order, models) = self.ordered();
        let bench = self.bench.clone();
        let request = request.clone();
        Box::pin(async move {
            let mut switches = Vec::new();
            let mut index = 0;
            loop {
                match models[index].complete(&request, cancel.clone()).await {
                    Ok(mut response) => {
                        bench.set(order[index], None);
                        switches.append(&mut response.switches);
                        response.switches = switches;
                        return Ok(response);
                    }
                    Err(error)
                        if matches!(error, ProviderError::Cancelled)
                            || index + 1 == models.len() =>
                    {
                        return Err(error);
                    }
                    Err(error) => {
                        let (from, to) = (
                            models[index].name().to_owned(),
                            models[index + 1].name().to_owned(),
                        );
                        tracing::warn!(%from, %to, %error, "LLM fallback");
                        bench.bench(order[index]);
                        switches.push(Switch {
                            from,
                            to,
                            cause: SwitchCause::Failed(error.to_string()),
                            discarded_output: false,
                        });
                        index += 1;
                    }
                }
            }
        })
    }
}
