//! The MCP server one session talks to: its identity, its tools, and the dispatch of tool
//! calls to them. The caller's principal comes from the HTTP request each message rode in on.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, DiscoverRequestMethod,
    DiscoverResult, Implementation, ListToolsResult, PaginatedRequestParams, ProtocolVersion,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::idle::McpCalls;
use super::tools::{self, ToolContext};
use crate::http::AppState;
use crate::http::principal::Principal;

/// The revisions spoken: the handshake era (2025-11-25 and earlier). The stateless
/// 2026-07-28 revision is not offered, so its `server/discover` probe gets an error and
/// clients fall back to `initialize`.
const VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_03_26,
];

const INSTRUCTIONS: &str = "Phone the user you work for. Call initiate_call when you have \
    finished a task, are blocked, or need a decision: it rings their verified phone, says your \
    message and returns what they answer. Keep talking with continue_call, tell them something \
    with speak_to_user, and always finish with end_call. Speak as on a phone: short sentences, \
    no markdown, no code.";

#[derive(Clone)]
pub struct McpServer {
    state: AppState,
    calls: Arc<McpCalls>,
}

impl McpServer {
    pub fn new(state: AppState, calls: Arc<McpCalls>) -> Self {
        McpServer { state, calls }
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "switchboard",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_protocol_version(ProtocolVersion::V_2025_11_25)
            .with_instructions(INSTRUCTIONS)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(VERSIONS)
    }

    async fn discover(
        &self,
        _context: RequestContext<RoleServer>,
    ) -> Result<DiscoverResult, ErrorData> {
        Err(ErrorData::method_not_found::<DiscoverRequestMethod>())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::catalogue()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let principal = context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Principal>())
            .cloned()
            .ok_or_else(|| ErrorData::internal_error("the request carried no principal", None))?;
        let tool = ToolContext {
            state: &self.state,
            principal: &principal,
            calls: &self.calls,
            request: &context,
        };
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let result = match tools::call(&tool, &request.name, arguments).await {
            Some(Ok(structured)) => CallToolResult::structured(structured),
            Some(Err(message)) => CallToolResult::error(vec![ContentBlock::text(message)]),
            None => {
                return Err(ErrorData::invalid_params(
                    format!("Unknown tool: {}", request.name),
                    None,
                ));
            }
        };
        Ok(result.into())
    }
}
