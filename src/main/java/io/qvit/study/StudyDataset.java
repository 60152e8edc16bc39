package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.data.Sample;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A named image set of a study: {@code id} (the in-distribution test set), {@code fit} (the ID set
 * that fitted scores learn from) or an OOD set under the name given to {@code --ood}. The name is
 * used in file names, so it is restricted to letters, digits, '.', '_' and '-'.
 */
public record StudyDataset(String name, List<Sample> samples) {
    public static final String ID = "id", FIT = "fit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public StudyDataset {
        if (!NAME.matcher(name).matches())
            throw new QvitException("data set name '" + name + "' must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
        samples = List.copyOf(samples);
        // the fit set is empty where no score is fitted; StudyChecks refuses it where one is
        if (samples.isEmpty() && !name.equals(FIT)) throw new QvitException("data set '" + name + "' has no images");
    }

    /** Whether every image has a class label (needed for accuracy and for label-fitted scores). */
    public boolean labelled() {
        return samples.stream().allMatch(s -> s.label() != Sample.UNLABELLED);
    }
}
