"""``flask api token create|revoke|list``: partner tokens, managed by the staff."""

import click
import sqlalchemy as sa

from consult.api import auth, services
from consult.api.models import SCOPES, ApiToken
from consult.core.db import utcnow
from consult.extensions import db

api_cli = click.Group("api", help="API partenaires.")
token_cli = click.Group("token", help="Jetons d'accès des organisations.")
api_cli.add_command(token_cli)


@token_cli.command("create")
@click.argument("organisation")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    default=["contributions:write"],
    help="Portée (répétable) : " + ", ".join(SCOPES),
)
@click.option("--name", default="", help="À quoi sert ce jeton (libre).")
def create(organisation: str, scopes: tuple[str, ...], name: str) -> None:
    """Créer un jeton pour ORGANISATION (son nom exact) ; il n'est affiché qu'une fois."""
    found = services.organisation_by_name(organisation)
    if found is None:
        raise click.ClickException(f"Organisation inconnue : {organisation}")
    try:
        token, raw = auth.create_token(found, list(scopes), name=name, now=utcnow())
    except auth.TokenError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"api token {token.id} {token.scopes}")
    click.echo(raw)


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Révoquer le jeton TOKEN_ID : il est refusé dès la requête suivante."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"Jeton inconnu : {token_id}")
    auth.revoke_token(token, now=utcnow())
    db.session.commit()
    click.echo(f"api token {token.id} revoked")


@token_cli.command("list")
def list_tokens() -> None:
    """Lister les jetons (préfixe, organisation, portées, dates)."""
    for token in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "-"
        click.echo(
            f"{token.id} {token.prefix}… {token.organisation.name} [{token.scopes}] "
            f"{state} used {used}"
        )


def init_app(app) -> None:
    app.cli.add_command(api_cli)
