//! Building blocks of the LLM agent brain: the chunker that turns streamed LLM text into
//! speakable pieces, and the backchannel filter that decides whether caller speech
//! interrupts the agent.

pub mod backchannel;
pub mod chunker;
