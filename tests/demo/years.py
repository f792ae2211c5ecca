"""The demo's years as the tests see them: the demo is loaded for today,
and its data (written for calendar.WRITTEN_FOR, 2025) is moved so that that
year is last year. The tests state what they expect as written in the data
and move it the same way: CAL.year(2025), CAL.text("Delårsbokslut 2025"),
CAL.date(...) for days, CAL.workday(...) for deadlines and reporting days."""

from django.utils import timezone

from styrhjul.demo.calendar import DemoCalendar

CAL = DemoCalendar.for_date(timezone.localdate())
