/* Runs every CUnit suite. Each tests/test_<module>.c exports one
 * test_<module>_register() that adds its suite and returns 0 on success. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit_suites.h"

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 3;
    for (size_t i = 0; i < sizeof unit_suites / sizeof unit_suites[0]; i++) {
        if (unit_suites[i]() != 0) {
            fprintf(stderr, "unit_main: registering suite %zu failed: %s\n", i, CU_get_error_msg());
            CU_cleanup_registry();
            return 3;
        }
    }
    CU_basic_set_mode(argc > 1 && strcmp(argv[1], "-v") == 0 ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed = CU_get_number_of_tests_failed();
    printf("\nunit: %u passed, %u failed\n", run - failed, failed);
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
