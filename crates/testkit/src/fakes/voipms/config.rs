//! What the fake VoIP.ms account holds when it starts.

/// A DID in the inventory the fake sells (10 digits, as VoIP.ms writes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDid {
    pub did: String,
    pub ratecenter: String,
    /// The state (or province, for a Canadian DID).
    pub state: String,
    pub canadian: bool,
    /// SMS capable (`sms_available` once ordered).
    pub sms: bool,
}

impl FakeDid {
    /// A US DID with SMS.
    pub fn us(did: &str, ratecenter: &str, state: &str) -> Self {
        Self {
            did: did.to_owned(),
            ratecenter: ratecenter.to_owned(),
            state: state.to_owned(),
            canadian: false,
            sms: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FakeVoipMsConfig {
    /// `api_username`.
    pub username: String,
    /// `api_password`.
    pub api_password: String,
    pub inventory: Vec<FakeDid>,
    /// DIDs the account holds at start, SMS off.
    pub owned: Vec<String>,
}

impl FakeVoipMsConfig {
    pub fn new(username: &str, api_password: &str) -> Self {
        Self {
            username: username.to_owned(),
            api_password: api_password.to_owned(),
            inventory: Vec::new(),
            owned: Vec::new(),
        }
    }

    pub fn inventory(mut self, dids: Vec<FakeDid>) -> Self {
        self.inventory = dids;
        self
    }

    pub fn owned(mut self, dids: &[&str]) -> Self {
        self.owned = dids.iter().map(|d| (*d).to_owned()).collect();
        self
    }
}
