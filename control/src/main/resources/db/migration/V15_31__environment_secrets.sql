-- Secrets per environment (docs/environments.md, "Secrets"): a secret belongs to one environment, and
-- a secret reference resolves only among the secrets of the environment the resolver serves. There is no
-- installation-wide fallback.
--
-- Upgrade: the secrets stored before this migration were one set for every environment. So that no
-- deployment loses a secret it resolved before, each of them is copied into every environment that exists
-- now (the ciphertext is bound to the secret's name only, docs/security.md, so a copy decrypts); from here
-- on the copies are independent. Deleting an environment deletes its secrets (on delete cascade).

alter table secrets
    add column environment text not null default 'default',
    drop constraint secrets_pkey;

insert into secrets (environment, name, key_id, nonce, ciphertext, updated_at, updated_by)
select e.name, s.name, s.key_id, s.nonce, s.ciphertext, s.updated_at, s.updated_by
from secrets s cross join environments e
where e.name <> 'default';

alter table secrets
    alter column environment drop default,
    add constraint secrets_pkey primary key (environment, name),
    add constraint secrets_environment_fk foreign key (environment) references environments (name) on delete cascade;
