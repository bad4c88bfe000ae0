"""Day-grain tallies: figures as of any day (docs/stats.md, "As-of semantics").

Rows written before this migration know only their month. They are carried over as if dated on the first of
it: unfolded rows get `day` = month, and every folded month row gets a day row on the month's first day. So
the history recorded before keeps its month grain (as of a day inside a past month it shows that month's
end, as it did), and the figures of today are unchanged; `gonghui stats rebuild` recounts the history to the
day from the raw rows.
"""
import django.db.models.deletion
from django.db import migrations, models

# The tally columns as they are at this migration (figures added later are not in these tables yet).
KEYS = [
    "orgs_total", "orgs_federation", "orgs_township", "orgs_industry", "orgs_regional", "orgs_grassroots",
    "orgs_branch", "grassroots_new_forms", "employees", "members", "members_retained", "male", "female", "han",
    "minority", "edu_postgraduate", "edu_bachelor", "edu_college", "edu_secondary", "edu_junior_under",
    "edu_other", "migrant", "cpc", "emp_employed", "emp_laid_off", "emp_unemployed", "emp_retired",
    "emp_other", "new_forms", "form_courier", "form_rider", "form_ride_hailing", "form_truck",
    "form_live_streamer", "form_domestic", "form_other", "joined", "joined_new_forms", "transferred_in",
    "transferred_out", "left", "retained", "grassroots_founded",
]
COLUMNS = ", ".join(f'"{key}"' for key in KEYS)
NEW_TABLES = ("stats_day_tally", "stats_age_day_tally")


def carry_over(apps, schema_editor):
    execute = schema_editor.execute
    execute("UPDATE stats_tally SET day = month WHERE NOT folded")
    execute("UPDATE stats_age_tally SET day = month WHERE NOT folded")
    execute(f"INSERT INTO stats_day_tally (org_id, day, {COLUMNS}) SELECT org_id, month, {COLUMNS} "
            "FROM stats_tally WHERE folded")
    execute(f"INSERT INTO stats_age_day_tally (org_id, day, birth_year, members) SELECT org_id, month, "
            "birth_year, members FROM stats_age_tally WHERE folded")
    if schema_editor.connection.vendor == "postgresql":  # as 0002: the fold updates today's day rows
        for table in NEW_TABLES:
            execute(f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0, "
                    f"autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02)")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0003_org_path_counts_idx'),
        ('stats', '0002_autovacuum'),
    ]

    operations = [
        migrations.AddField(
            model_name='agetally',
            name='day',
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name='tally',
            name='day',
            field=models.DateField(null=True),
        ),
        migrations.CreateModel(
            name='AgeDayTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('birth_year', models.SmallIntegerField()),
                ('members', models.IntegerField()),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'db_table': 'stats_age_day_tally',
                'constraints': [models.UniqueConstraint(fields=('org', 'day', 'birth_year'), name='stats_age_day_one')],
            },
        ),
        migrations.CreateModel(
            name='DayTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('orgs_total', models.IntegerField(db_default=0, default=0)),
                ('orgs_federation', models.IntegerField(db_default=0, default=0)),
                ('orgs_township', models.IntegerField(db_default=0, default=0)),
                ('orgs_industry', models.IntegerField(db_default=0, default=0)),
                ('orgs_regional', models.IntegerField(db_default=0, default=0)),
                ('orgs_grassroots', models.IntegerField(db_default=0, default=0)),
                ('orgs_branch', models.IntegerField(db_default=0, default=0)),
                ('grassroots_new_forms', models.IntegerField(db_default=0, default=0)),
                ('employees', models.IntegerField(db_default=0, default=0)),
                ('members', models.IntegerField(db_default=0, default=0)),
                ('members_retained', models.IntegerField(db_default=0, default=0)),
                ('male', models.IntegerField(db_default=0, default=0)),
                ('female', models.IntegerField(db_default=0, default=0)),
                ('han', models.IntegerField(db_default=0, default=0)),
                ('minority', models.IntegerField(db_default=0, default=0)),
                ('edu_postgraduate', models.IntegerField(db_default=0, default=0)),
                ('edu_bachelor', models.IntegerField(db_default=0, default=0)),
                ('edu_college', models.IntegerField(db_default=0, default=0)),
                ('edu_secondary', models.IntegerField(db_default=0, default=0)),
                ('edu_junior_under', models.IntegerField(db_default=0, default=0)),
                ('edu_other', models.IntegerField(db_default=0, default=0)),
                ('migrant', models.IntegerField(db_default=0, default=0)),
                ('cpc', models.IntegerField(db_default=0, default=0)),
                ('emp_employed', models.IntegerField(db_default=0, default=0)),
                ('emp_laid_off', models.IntegerField(db_default=0, default=0)),
                ('emp_unemployed', models.IntegerField(db_default=0, default=0)),
                ('emp_retired', models.IntegerField(db_default=0, default=0)),
                ('emp_other', models.IntegerField(db_default=0, default=0)),
                ('new_forms', models.IntegerField(db_default=0, default=0)),
                ('form_courier', models.IntegerField(db_default=0, default=0)),
                ('form_rider', models.IntegerField(db_default=0, default=0)),
                ('form_ride_hailing', models.IntegerField(db_default=0, default=0)),
                ('form_truck', models.IntegerField(db_default=0, default=0)),
                ('form_live_streamer', models.IntegerField(db_default=0, default=0)),
                ('form_domestic', models.IntegerField(db_default=0, default=0)),
                ('form_other', models.IntegerField(db_default=0, default=0)),
                ('joined', models.IntegerField(db_default=0, default=0)),
                ('joined_new_forms', models.IntegerField(db_default=0, default=0)),
                ('transferred_in', models.IntegerField(db_default=0, default=0)),
                ('transferred_out', models.IntegerField(db_default=0, default=0)),
                ('left', models.IntegerField(db_default=0, default=0)),
                ('retained', models.IntegerField(db_default=0, default=0)),
                ('grassroots_founded', models.IntegerField(db_default=0, default=0)),
                ('day', models.DateField()),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'db_table': 'stats_day_tally',
                'constraints': [models.UniqueConstraint(fields=('org', 'day'), name='stats_day_one')],
            },
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
