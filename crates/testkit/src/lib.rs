//! Test support for Switchboard: throwaway databases now; wire-faithful fakes of the outside
//! services (carriers, AI providers, billing) arrive with the issues that need them.

pub mod caller;
mod database;
pub mod fakes;

pub use database::{POSTGRES_URL_VAR, TestDatabase};

/// Runs each named `async fn(TestDatabase)` once on a fresh SQLite file and once on a fresh
/// PostgreSQL database when `SWITCHBOARD_TEST_POSTGRES_URL` is set.
///
/// ```ignore
/// async fn signup_works(db: TestDatabase) { ... }
/// switchboard_testkit::on_each_database!(signup_works);
/// ```
#[macro_export]
macro_rules! on_each_database {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::TestDatabase::sqlite()).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    match $crate::TestDatabase::postgres().await {
                        Some(db) => super::$name(db).await,
                        None => eprintln!("skipped: {} is not set", $crate::POSTGRES_URL_VAR),
                    }
                }
            )+
        }
    };
}
