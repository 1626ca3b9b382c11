"""Anonymise customer accounts that have been inactive past the retention period."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from customers.models import Address, Customer, Order

log = logging.getLogger(__name__)

BATCH = 500


class Command(BaseCommand):
    help = "Anonymise customers with no login and no orders within the retention window."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=getattr(settings, "CUSTOMER_RETENTION_YEARS", 3))
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--limit", type=int, default=0, help="stop after N accounts (0 = no limit)")

    def candidates(self, years: int):
        cutoff = timezone.now() - timedelta(days=365 * years)
        recent_buyers = Order.objects.filter(created_at__gte=cutoff).values("customer_id")
        return (
            Customer.objects.filter(anonymised_at__isnull=True, last_login__lt=cutoff)
            .exclude(pk__in=recent_buyers)
            .exclude(legal_hold=True)
            .order_by("pk")
        )

    @staticmethod
    def anonymise(customer: Customer) -> None:
        customer.email = f"deleted-{customer.pk}@invalid.example"
        customer.first_name = ""
        customer.last_name = ""
        customer.phone = ""
        customer.birth_date = None
        customer.marketing_opt_in = False
        customer.set_unusable_password()
        customer.anonymised_at = timezone.now()
        customer.save()
        Address.objects.filter(customer=customer).delete()

    def summary(self, years: int) -> dict[str, int]:
        """Counts shown in the ops dashboard before a run is approved."""
        qs = self.candidates(years)
        return {
            "eligible": qs.count(),
            "with_addresses": Address.objects.filter(customer__in=qs).values("customer_id").distinct().count(),
        }

    def handle(self, *args, **options) -> None:
        years: int = options["years"]
        dry_run: bool = options["dry_run"]
        limit: int = options["limit"]
        qs = self.candidates(years)
        total = qs.count()
        self.stdout.write(f"{total} accounts eligible (inactive > {years} years)")
        if dry_run:
            for c in qs[:20]:
                self.stdout.write(f"  would anonymise #{c.pk} (last login {c.last_login:%Y-%m-%d})")
            return
        done = 0
        while True:
            batch = list(qs[:BATCH])
            if not batch:
                break
            with transaction.atomic():
                for customer in batch:
                    self.anonymise(customer)
                    done += 1
                    if limit and done >= limit:
                        break
            self.stdout.write(f"  {done}/{total} anonymised")
            if limit and done >= limit:
                break
        log.info("anonymised %d inactive customer accounts", done)
        self.stdout.write(self.style.SUCCESS(f"done: {done} accounts anonymised"))
