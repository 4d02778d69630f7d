/// The study `reach score` uses when none is given: the Community Needs Index's connectedness domain, rebuilt
/// from the indicators `reach distance`, `reach coverage` and the broadband step write. Each choice is explained
/// in its comment and in docs/scoring.md ("The default study"); `reach score --print-default-study` prints it as
/// a starting point for a study of one's own.
public enum DefaultStudy {
    public static let text = """
    # reach default study: ward connectedness, after the Community Needs Index (OCSI for Local Trust, 2019).
    # The CNI's connectedness domain asks three questions: can residents reach key services, is there public
    # transport, and can they get online? Each is one domain here, weighted equally as the CNI weights its parts.

    [score]
    # The Indices of Deprivation's method: rank each indicator, turn ranks into normal scores, so that skewed
    # travel times and bounded percentages count alike, and outliers cannot dominate.
    normalisation = "rank"
    # The IoD's exponential transform of domain ranks: being among the worst in one domain is not cancelled by
    # being fine in another (a ward with no buses stays flagged however good its broadband).
    domain_transform = "exponential"
    # A ward without a value (no broadband record, no services in reach) is scored on what it has; score_missing
    # says so on every such ward.
    missing = "reweight"

    [score.robustness]
    # A thousand draws with every weight within ±25 % of its value: the rank interval shows whether a ward's rank
    # is a property of the ward or of the weights. The seed makes the interval reproducible.
    draws = 1000
    weight_jitter = 0.25
    seed = 2019
    leave_one_out = true

    [[score.domain]]
    name = "services"
    weight = 1

    [[score.domain]]
    name = "transport"
    weight = 1

    [[score.domain]]
    name = "digital"
    weight = 1

    # Key services: mean walking time from where people live (population-weighted origins) to the nearest of
    # each, on the road network (`reach distance --modes walk`). Walking, because the people the CNI is about are
    # the least likely to have a car; the services the DfT's Journey Time Statistics call key services.
    [[score.indicator]]
    name = "gp_walk"
    source = "gp_practices_walk_mean"
    direction = "higher_is_worse"
    domain = "services"
    label = "Walk to the nearest GP practice, minutes (population-weighted mean)"

    [[score.indicator]]
    name = "pharmacy_walk"
    source = "pharmacies_walk_mean"
    direction = "higher_is_worse"
    domain = "services"
    label = "Walk to the nearest pharmacy, minutes"

    [[score.indicator]]
    name = "school_walk"
    source = "schools_walk_mean"
    direction = "higher_is_worse"
    domain = "services"
    label = "Walk to the nearest school, minutes"

    [[score.indicator]]
    name = "town_centre_walk"
    source = "town_centres_walk_mean"
    direction = "higher_is_worse"
    domain = "services"
    label = "Walk to the nearest town centre (shops, jobs), minutes"

    [[score.indicator]]
    name = "jobcentre_walk"
    source = "jobcentre_plus_walk_mean"
    direction = "higher_is_worse"
    domain = "services"
    label = "Walk to the nearest Jobcentre Plus, minutes"

    # Public transport (`reach coverage`): how often buses run near homes counts most, because a stop without
    # a service connects nobody; then whether homes are near a stop at all, and how far the railway is.
    [[score.indicator]]
    name = "bus_frequency"
    source = "bus_departures_per_hour"
    direction = "higher_is_better"
    domain = "transport"
    weight = 2
    label = "Bus departures per hour within 400 m of home, 07:00-10:00 (population-weighted)"

    [[score.indicator]]
    name = "bus_stop_coverage"
    source = "bus_stop_pop_pct"
    direction = "higher_is_better"
    domain = "transport"
    label = "Residents within 400 m of a bus stop, %"

    [[score.indicator]]
    name = "rail_distance"
    source = "rail_station_distance_mean_m"
    direction = "higher_is_worse"
    domain = "transport"
    label = "Distance to the nearest railway station, metres (population-weighted mean)"

    # Digital connectivity (Ofcom Connected Nations, `reach broadband`): superfast availability, homes below
    # the 10 Mbit/s universal service obligation, and the speed people actually get.
    [[score.indicator]]
    name = "superfast"
    source = "broadband_sfbb_pct"
    direction = "higher_is_better"
    domain = "digital"
    label = "Premises that can get superfast broadband (30 Mbit/s or more), %"

    [[score.indicator]]
    name = "below_uso"
    source = "broadband_below_uso_pct"
    direction = "higher_is_worse"
    domain = "digital"
    label = "Premises below the 10 Mbit/s universal service obligation, %"

    [[score.indicator]]
    name = "download_speed"
    source = "broadband_median_down_mbps"
    direction = "higher_is_better"
    domain = "digital"
    label = "Median download speed, Mbit/s (premises-weighted)"
    """
}
