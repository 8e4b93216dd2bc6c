//! Every replica keeps members' standing (role, read-only state, language, session epoch) and
//! companies' calendars (currency, time zone, name, the development clock) for up to 30 s.
//! These triggers tell all of them at once when such a fact changes, whichever code (or
//! person with psql) changed it: a `NOTIFY duely_access` with `tenant:<id>`, `user:<id>` or
//! `clock:<id or nothing>`, sent when the transaction commits and never if it rolls back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE FUNCTION public.notify_access_change() RETURNS trigger
                 LANGUAGE plpgsql AS $$
                 DECLARE
                     changed jsonb;
                 BEGIN
                     IF TG_OP = 'DELETE' THEN
                         changed := to_jsonb(OLD);
                     ELSE
                         changed := to_jsonb(NEW);
                     END IF;
                     PERFORM pg_notify('duely_access',
                         TG_ARGV[0] || ':' || coalesce(changed ->> TG_ARGV[1], ''));
                     RETURN NULL;
                 END
                 $$;

                 CREATE TRIGGER memberships_access AFTER INSERT OR DELETE ON public.memberships
                     FOR EACH ROW EXECUTE FUNCTION public.notify_access_change('tenant', 'tenant_id');
                 CREATE TRIGGER memberships_role AFTER UPDATE ON public.memberships
                     FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role)
                     EXECUTE FUNCTION public.notify_access_change('tenant', 'tenant_id');

                 CREATE TRIGGER users_access AFTER UPDATE ON public.users
                     FOR EACH ROW WHEN ((OLD.session_epoch, OLD.locale) IS DISTINCT FROM (NEW.session_epoch, NEW.locale))
                     EXECUTE FUNCTION public.notify_access_change('user', 'id');

                 CREATE TRIGGER tenants_access AFTER UPDATE ON public.tenants
                     FOR EACH ROW WHEN ((OLD.status, OLD.base_currency, OLD.time_zone, OLD.name)
                         IS DISTINCT FROM (NEW.status, NEW.base_currency, NEW.time_zone, NEW.name))
                     EXECUTE FUNCTION public.notify_access_change('tenant', 'id');

                 CREATE TRIGGER subscriptions_access AFTER INSERT OR DELETE ON public.subscriptions
                     FOR EACH ROW EXECUTE FUNCTION public.notify_access_change('tenant', 'tenant_id');
                 CREATE TRIGGER subscriptions_read_only AFTER UPDATE ON public.subscriptions
                     FOR EACH ROW WHEN (OLD.read_only_from IS DISTINCT FROM NEW.read_only_from)
                     EXECUTE FUNCTION public.notify_access_change('tenant', 'tenant_id');

                 CREATE TRIGGER clock_access AFTER INSERT OR UPDATE OR DELETE ON public.clock
                     FOR EACH ROW EXECUTE FUNCTION public.notify_access_change('clock', 'tenant_id');",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TRIGGER clock_access ON public.clock;
                 DROP TRIGGER subscriptions_read_only ON public.subscriptions;
                 DROP TRIGGER subscriptions_access ON public.subscriptions;
                 DROP TRIGGER tenants_access ON public.tenants;
                 DROP TRIGGER users_access ON public.users;
                 DROP TRIGGER memberships_role ON public.memberships;
                 DROP TRIGGER memberships_access ON public.memberships;
                 DROP FUNCTION public.notify_access_change();",
            )
            .await?;
        Ok(())
    }
}
