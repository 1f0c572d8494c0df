include!("../migrations/embed.rs");

fn main() {
    embed_migrations("postgres");
}
