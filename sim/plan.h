/* plan — `aidcsim plan PLAN.json`: the cheapest buildout that meets the goals.
 *
 * A plan file names a base scenario, decision variables (scenario keys with
 * values or ranges: nodes, system or GPU type, interconnect, cooling type,
 * power cap, policy), constraints on summary.json metrics
 * ("wait_s.p95 <= 3600", "grid.demand_response_met == true") and an objective
 * ("minimize cost_usd.total", "maximize gpu_hours_delivered / cost_usd.total").
 *
 * Runs are expensive, so the search spends them carefully:
 * - a variable marked "monotone" (larger values never make the constraints
 *   harder to meet and never cost less: more GPUs wait less and cost more) is
 *   bisected: the smallest feasible value is its best value;
 * - the other variables are tried on a coarse grid (at most "coarse" values
 *   of each numeric one, every value of the others), bisecting the monotone
 *   variable for each combination at once, then refined by a pattern search
 *   that halves its steps around the best point until they are one value;
 * - each point runs once per seed, and a constraint holds only when its
 *   whole confidence interval does (the upper bound for <=, the lower for >=,
 *   every seed for ==): noise never makes a point look feasible;
 * - the answer's sensitivity is measured one step either side on every
 *   variable.
 * Every point run is cached, so no point runs twice, and runs resume like a
 * sweep's. Outputs: plan.json (answer, every evaluation, Pareto front,
 * sensitivity), evaluations.csv, pareto.csv (objective against the
 * constrained metrics, non-dominated points) and sensitivity.csv. */
#ifndef AIDC_SIM_PLAN_H
#define AIDC_SIM_PLAN_H

/* The `aidcsim plan` command (argv after "plan"). Returns the exit status:
 * 0 an answer was found; 1 no point in the ranges meets the constraints;
 * 2 bad input or usage; 3 internal error. */
int aidc_cmd_plan(int argc, char **argv);

extern const char aidc_plan_usage[];

#endif
