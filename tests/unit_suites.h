/* The list of CUnit suites that tests/unit_main.c runs; one line per module. */
#ifndef AIDC_TESTS_UNIT_SUITES_H
#define AIDC_TESTS_UNIT_SUITES_H

int test_units_register(void);
int test_jsonloc_register(void);
int test_eventq_register(void);
int test_policies_register(void);
int test_scenario_register(void);
int test_trace_register(void);
int test_sim_register(void);
int test_fabric_register(void);
int test_topology_register(void);
int test_power_register(void);
int test_cooling_register(void);
int test_grid_register(void);
int test_site_register(void);
int test_traces_register(void);
int test_plan_register(void);
int test_properties_register(void);
int test_compare_register(void);
int test_plots_register(void);
int test_limits_register(void);
int test_powerclass_register(void);
int test_sharing_register(void);
int test_failures_register(void);
int test_inference_register(void);
int test_capctl_register(void);
int test_nodeindex_register(void);

static int (*const unit_suites[])(void) = {
    test_units_register,
    test_jsonloc_register,
    test_eventq_register,
    test_policies_register,
    test_scenario_register,
    test_trace_register,
    test_sim_register,
    test_fabric_register,
    test_topology_register,
    test_power_register,
    test_cooling_register,
    test_grid_register,
    test_site_register,
    test_traces_register,
    test_plan_register,
    test_properties_register,
    test_compare_register,
    test_plots_register,
    test_limits_register,
    test_powerclass_register,
    test_sharing_register,
    test_failures_register,
    test_inference_register,
    test_capctl_register,
    test_nodeindex_register,
};

#endif
