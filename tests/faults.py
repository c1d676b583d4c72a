"""Fault injection for the platform served by a live server (tests only).

The live server runs in the test process, so a test arms :data:`PLAN` directly: the next
requests whose path contains a fragment fail with a status, stall past the caller's
timeout, or hang until released. Every answered request is logged, so tests can count
what the platform actually accepted. Unarmed, the middleware passes everything through.
"""

import threading
import time
from dataclasses import dataclass

from django.http import HttpResponse


@dataclass
class Rule:
    fragment: str
    times: int
    status: int = 0  # answer with this status instead of handling the request
    stall: float = 0  # first sleep this long (past the caller's timeout)
    hang: bool = False  # first wait until PLAN.release() is called


class FaultPlan:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.rules = []
            self.log = []  # (method, path, status) of every request that got an answer
            self.hanging = threading.Event()
            self._released = threading.Event()

    def add(self, fragment, times, **kind):
        with self._lock:
            self.rules.append(Rule(fragment, times, **kind))

    def release(self):
        self._released.set()

    def take(self, path):
        with self._lock:
            for rule in self.rules:
                if rule.fragment in path and rule.times > 0:
                    rule.times -= 1
                    return rule
        return None

    def answered(self, fragment, status=None):
        return [
            entry
            for entry in list(self.log)
            if fragment in entry[1] and (status is None or entry[2] == status)
        ]


PLAN = FaultPlan()


class FaultInjectionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rule = PLAN.take(request.path)
        if rule and rule.stall:
            time.sleep(rule.stall)
        if rule and rule.hang:
            PLAN.hanging.set()
            PLAN._released.wait(120)
        if rule and rule.status:
            response = HttpResponse(f"injected fault {rule.status}", status=rule.status)
        else:  # handled, even after a stall or hang whose caller has gone
            response = self.get_response(request)
        PLAN.log.append((request.method, request.path, response.status_code))
        return response
