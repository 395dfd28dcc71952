//! Agents on both databases: system personas, tenancy, overrides, favourites and usage.

use switchboard_core::Role;
use switchboard_core::agent::{AgentConfig, AgentOverride, VoiceChoice, system_personas};
use switchboard_store::{
    Agent, AgentChanges, AgentFilter, NewAgent, NewUser, PageRequest, Store, StoreError, User,
};
use switchboard_testkit::TestDatabase;

fn person(email: &str, role: Role) -> NewUser<'_> {
    NewUser {
        email,
        name: "Person",
        password_hash: "$argon2id$fake",
        role,
        is_operator: false,
    }
}

async fn open(db: &TestDatabase) -> Store {
    Store::open(&db.url).await.expect("open and migrate")
}

async fn tenant(store: &Store, email: &str) -> User {
    store
        .create_tenant_with_owner(email, person(email, Role::Owner))
        .await
        .unwrap()
        .1
}

async fn own_agent(store: &Store, owner: &User, name: &str) -> Agent {
    let config = AgentConfig::with_prompt(format!("You are {name}."));
    store
        .create_agent(
            &owner.tenant_id,
            NewAgent {
                name,
                description: "",
                config: &config,
            },
        )
        .await
        .unwrap()
}

async fn system_agent(store: &Store, user: &User, slug: &str) -> Agent {
    let page = store
        .list_agents(
            &user.tenant_id,
            &user.id,
            AgentFilter::default(),
            &PageRequest::first(100),
        )
        .await
        .unwrap();
    page.items
        .into_iter()
        .map(|a| a.agent)
        .find(|a| a.slug.as_deref() == Some(slug))
        .unwrap_or_else(|| panic!("no persona {slug}"))
}

async fn personas_are_seeded_once_and_refreshed_by_slug(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let brad = system_agent(&store, &ada, "brad").await;
    assert!(brad.is_system());
    assert_eq!(brad.name, "Brad");
    assert_eq!(brad.config, system_personas()[0].config);

    // An older release wrote different text; starting this release brings it up to date.
    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE agents SET name = 'Old Brad', config = '{\"system_prompt\":\"old\"}' WHERE slug = 'brad'")
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();

    let again = system_agent(&store, &ada, "brad").await;
    assert_eq!(again.id, brad.id, "the persona keeps its id");
    assert_eq!(again.name, "Brad");
    assert_eq!(again.config, brad.config);
    let sarah = system_agent(&store, &ada, "sarah").await;
    let page = store
        .list_agents(
            &ada.tenant_id,
            &ada.id,
            AgentFilter::default(),
            &PageRequest::first(100),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3, "seeding twice adds nothing");
    assert_eq!(
        system_agent(&store, &ada, "sarah").await.updated_at,
        sarah.updated_at,
        "an unchanged persona is not rewritten"
    );
}

async fn tenant_agents_change_but_personas_are_read_only(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let agent = own_agent(&store, &ada, "Support").await;
    assert!(agent.id.starts_with("agt_"));
    assert_eq!(agent.tenant_id.as_deref(), Some(ada.tenant_id.as_str()));
    assert_eq!(agent.slug, None);

    let mut config = agent.config.clone();
    config.max_duration_secs = 600;
    let updated = store
        .update_agent(
            &ada.tenant_id,
            &agent.id,
            AgentChanges {
                name: Some("Sales"),
                description: None,
                config: Some(&config),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "Sales");
    assert_eq!(updated.description, "");
    assert_eq!(updated.config.max_duration_secs, 600);
    assert_eq!(
        store.get_agent(&ada.tenant_id, &agent.id).await.unwrap(),
        updated
    );

    let brad = system_agent(&store, &ada, "brad").await;
    let rename = AgentChanges {
        name: Some("Mine"),
        ..AgentChanges::default()
    };
    assert!(matches!(
        store.update_agent(&ada.tenant_id, &brad.id, rename).await,
        Err(StoreError::SystemAgent)
    ));
    assert!(matches!(
        store.delete_agent(&ada.tenant_id, &brad.id).await,
        Err(StoreError::SystemAgent)
    ));
    assert_eq!(
        store
            .get_agent(&ada.tenant_id, &brad.id)
            .await
            .unwrap()
            .name,
        "Brad"
    );

    store.delete_agent(&ada.tenant_id, &agent.id).await.unwrap();
    assert!(matches!(
        store.get_agent(&ada.tenant_id, &agent.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_agent(&ada.tenant_id, &agent.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn copies_belong_to_the_tenant(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let brad = system_agent(&store, &ada, "brad").await;
    let copy = store.copy_agent(&ada.tenant_id, &brad.id).await.unwrap();
    assert_ne!(copy.id, brad.id);
    assert_eq!(copy.name, "Brad (copy)");
    assert_eq!(copy.tenant_id.as_deref(), Some(ada.tenant_id.as_str()));
    assert_eq!(copy.slug, None);
    assert_eq!(copy.config, brad.config);
    assert_eq!(copy.description, brad.description);

    let copy_of_copy = store.copy_agent(&ada.tenant_id, &copy.id).await.unwrap();
    assert_eq!(copy_of_copy.name, "Brad (copy) (copy)");
    // The copy is the tenant's to change.
    store
        .update_agent(
            &ada.tenant_id,
            &copy.id,
            AgentChanges {
                name: Some("Coach"),
                ..AgentChanges::default()
            },
        )
        .await
        .unwrap();
}

async fn another_tenants_agent_is_not_found(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let bob = tenant(&store, "bob@b.test").await;
    let secret = own_agent(&store, &ada, "Ada's agent").await;
    let (b, id) = (bob.tenant_id.as_str(), secret.id.as_str());

    let not_found = |result: Result<(), StoreError>| {
        assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    };
    not_found(store.get_agent(b, id).await.map(drop));
    not_found(store.get_user_agent(b, &bob.id, id).await.map(drop));
    not_found(
        store
            .update_agent(
                b,
                id,
                AgentChanges {
                    name: Some("x"),
                    ..AgentChanges::default()
                },
            )
            .await
            .map(drop),
    );
    not_found(store.delete_agent(b, id).await);
    not_found(store.copy_agent(b, id).await.map(drop));
    let changes = AgentOverride {
        system_prompt: Some("mine".into()),
        voice: None,
    };
    not_found(store.set_agent_override(b, &bob.id, id, &changes).await);
    not_found(store.clear_agent_override(b, &bob.id, id).await);
    not_found(store.set_agent_favourite(b, &bob.id, id).await);
    not_found(store.clear_agent_favourite(b, &bob.id, id).await);
    not_found(store.record_agent_usage(b, id, 10).await.map(drop));
    not_found(store.effective_agent_config(b, &bob.id, id).await.map(drop));

    // A user of another tenant cannot be given an override or favourite in this one.
    not_found(
        store
            .set_agent_override(&ada.tenant_id, &bob.id, id, &changes)
            .await,
    );
    not_found(store.set_agent_favourite(&ada.tenant_id, &bob.id, id).await);

    let bobs = store
        .list_agents(b, &bob.id, AgentFilter::default(), &PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(bobs.items.len(), 3);
    assert!(bobs.items.iter().all(|a| a.agent.is_system()));
    // Ada's agent is untouched.
    assert_eq!(
        store.get_agent(&ada.tenant_id, id).await.unwrap().name,
        "Ada's agent"
    );
}

async fn overrides_apply_to_their_user_only(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let ben = store
        .create_user(&ada.tenant_id, person("ben@a.test", Role::Member))
        .await
        .unwrap();
    let sarah = system_agent(&store, &ada, "sarah").await;
    let t = ada.tenant_id.as_str();

    let mine = AgentOverride {
        system_prompt: Some("Speak only French.".into()),
        voice: Some(VoiceChoice::of("elevenlabs", "my-voice")),
    };
    store
        .set_agent_override(t, &ada.id, &sarah.id, &mine)
        .await
        .unwrap();
    let seen = store.get_user_agent(t, &ada.id, &sarah.id).await.unwrap();
    assert_eq!(seen.user_override.as_ref(), Some(&mine));
    let effective = store
        .effective_agent_config(t, &ada.id, &sarah.id)
        .await
        .unwrap();
    assert_eq!(effective.system_prompt, "Speak only French.");
    assert_eq!(effective.voice.voice_id, "my-voice");
    assert_eq!(effective.first_message, sarah.config.first_message);

    assert_eq!(
        store
            .effective_agent_config(t, &ben.id, &sarah.id)
            .await
            .unwrap(),
        sarah.config,
        "another user sees the persona as it is"
    );

    // Setting again replaces the whole override.
    let prompt_only = AgentOverride {
        system_prompt: Some("Be brief.".into()),
        voice: None,
    };
    store
        .set_agent_override(t, &ada.id, &sarah.id, &prompt_only)
        .await
        .unwrap();
    let effective = store
        .effective_agent_config(t, &ada.id, &sarah.id)
        .await
        .unwrap();
    assert_eq!(effective.system_prompt, "Be brief.");
    assert_eq!(effective.voice, sarah.config.voice);

    store
        .clear_agent_override(t, &ada.id, &sarah.id)
        .await
        .unwrap();
    store
        .clear_agent_override(t, &ada.id, &sarah.id)
        .await
        .expect("clearing twice is fine");
    let seen = store.get_user_agent(t, &ada.id, &sarah.id).await.unwrap();
    assert_eq!(seen.user_override, None);
    assert_eq!(seen.effective_config(), sarah.config);
}

async fn favourites_flag_and_filter_the_list(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let t = ada.tenant_id.as_str();
    let own = own_agent(&store, &ada, "Mine").await;
    let alex = system_agent(&store, &ada, "alex").await;
    store
        .set_agent_favourite(t, &ada.id, &own.id)
        .await
        .unwrap();
    store
        .set_agent_favourite(t, &ada.id, &alex.id)
        .await
        .unwrap();
    store
        .set_agent_favourite(t, &ada.id, &alex.id)
        .await
        .expect("twice is fine");

    let all = store
        .list_agents(t, &ada.id, AgentFilter::default(), &PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 4);
    let favourites: Vec<&str> = all
        .items
        .iter()
        .filter(|a| a.favourite)
        .map(|a| a.agent.name.as_str())
        .collect();
    assert_eq!(favourites, ["Alex", "Mine"]);

    let only = AgentFilter {
        favourites_only: true,
    };
    let first = store
        .list_agents(t, &ada.id, only, &PageRequest::first(1))
        .await
        .unwrap();
    assert_eq!(first.items[0].agent.name, "Alex");
    let after = switchboard_store::Cursor::decode(first.next_cursor.as_deref().unwrap());
    let second = store
        .list_agents(t, &ada.id, only, &PageRequest { limit: 1, after })
        .await
        .unwrap();
    assert_eq!(second.items[0].agent.name, "Mine");
    assert!(second.next_cursor.is_none());

    store
        .clear_agent_favourite(t, &ada.id, &alex.id)
        .await
        .unwrap();
    let only_now = store
        .list_agents(t, &ada.id, only, &PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(only_now.items.len(), 1);
    assert_eq!(only_now.items[0].agent.id, own.id);

    // Deleting an agent takes its favourites with it.
    store.delete_agent(t, &own.id).await.unwrap();
    let none = store
        .list_agents(t, &ada.id, only, &PageRequest::first(100))
        .await
        .unwrap();
    assert!(none.items.is_empty());
}

async fn usage_adds_up_per_tenant(db: TestDatabase) {
    let store = open(&db).await;
    let ada = tenant(&store, "ada@a.test").await;
    let bob = tenant(&store, "bob@b.test").await;
    let brad = system_agent(&store, &ada, "brad").await;

    // Ten calls end at once, on separate connections.
    let mut calls = tokio::task::JoinSet::new();
    for i in 1..=10 {
        let (store, tenant, agent) = (store.clone(), ada.tenant_id.clone(), brad.id.clone());
        calls.spawn(async move { store.record_agent_usage(&tenant, &agent, i * 10).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    let last = store
        .record_agent_usage(&ada.tenant_id, &brad.id, 45)
        .await
        .unwrap();
    assert_eq!(last.calls, 11);
    assert_eq!(last.seconds, 550 + 45);

    let seen = store
        .get_user_agent(&ada.tenant_id, &ada.id, &brad.id)
        .await
        .unwrap();
    assert_eq!(seen.usage, last);
    let bobs = store
        .get_user_agent(&bob.tenant_id, &bob.id, &brad.id)
        .await
        .unwrap();
    assert_eq!(bobs.usage.calls, 0, "usage is counted per tenant");
}

switchboard_testkit::on_each_database!(
    personas_are_seeded_once_and_refreshed_by_slug,
    tenant_agents_change_but_personas_are_read_only,
    copies_belong_to_the_tenant,
    another_tenants_agent_is_not_found,
    overrides_apply_to_their_user_only,
    favourites_flag_and_filter_the_list,
    usage_adds_up_per_tenant,
);
