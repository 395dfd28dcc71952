//! The two ends of a stream handle's channels, both giving way to its cancellation token: a
//! cancelled stream accepts no more input and yields no more output.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::ProviderError;

/// Hands `item` to the stream's driver. A closed channel means the driver ended; its reason is
/// on the output side, so this just says `Cancelled`.
pub(crate) async fn send<T>(
    tx: &mpsc::Sender<T>,
    cancel: &CancellationToken,
    item: T,
) -> Result<(), ProviderError> {
    if cancel.is_cancelled() {
        return Err(ProviderError::Cancelled);
    }
    tx.send(item).await.map_err(|_| ProviderError::Cancelled)
}

/// The driver's next output; `None` once the channel closed or the stream was cancelled.
pub(crate) async fn recv<T>(rx: &mut mpsc::Receiver<T>, cancel: &CancellationToken) -> Option<T> {
    if cancel.is_cancelled() {
        return None;
    }
    tokio::select! {
        biased;
        item = rx.recv() => item,
        () = cancel.cancelled() => None,
    }
}
